/* Encodings of SNMPv2-TC and INET-ADDRESS-MIB values: pure functions. */
#ifndef SMTPMON_MIB_ENCODE_H
#define SMTPMON_MIB_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_AND_TIME_LEN 11

/* DateAndTime in UTC with the "+0:0" zone (11 octets); WALL_US 0 ("never")
 * gives the all-zero 8-octet value. Returns the length written. */
size_t mib_date_and_time(uint64_t wall_us, unsigned char out[DATE_AND_TIME_LEN]);

/* InetAddressType for an address family: ipv4(1), ipv6(2), unknown(0);
 * *LEN gets the InetAddress length (4, 16 or 0). */
int mib_inet_address_type(int family, size_t *len);

#endif
