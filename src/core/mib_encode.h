/* SPDX-License-Identifier: ISC */
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

/* A TimeStamp (sysUpTime, in hundredths of a second, when something
 * happened): UPTIME_CS is sysUpTime now, NOW_US and SINCE_US monotonic
 * times of now and of the event. 0 when the event came before the agent's
 * last start (RFC 2578 and ifCounterDiscontinuityTime). */
uint32_t mib_timestamp(uint32_t uptime_cs, uint64_t now_us, uint64_t since_us);

/* smtpMonServerCertDaysLeft: DAYS_LEFT, or the largest Integer32 while no
 * certificate has been seen, so that no "fewer than N days" rule fires. */
int32_t mib_cert_days_left(int have_cert, int32_t days_left);

#endif
