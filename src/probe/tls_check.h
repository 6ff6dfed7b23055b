/* SPDX-License-Identifier: ISC */
/* One connection to an MX host, as a sender that applies MTA-STS or DANE
 * makes it: the probe's dialogue with TLS (STARTTLS, or implicit TLS for a
 * watch with tls=implicit), and a look at what the server presents: the
 * chain verified for the MX name against the probe's trust store (RFC 8461
 * section 4.1), and, given usable TLSA records, OpenSSL's DANE verification
 * as RFC 7672 says (DANE-TA(2), DANE-EE(3) without name checks). */
#ifndef SMTPMON_TLS_CHECK_H
#define SMTPMON_TLS_CHECK_H

#include "core/domain_policy.h"
#include "core/target_config.h"

struct conn_gate;
struct probe_engine;
struct tls_check_run;

/* Runs on ENGINE's loop with GATE's budget: connects to CFG (host, port,
 * family, timeout, TLS mode; the certificate is judged here, not by the
 * probe) as HELO, the name verified being OUT->mx; TLSA (NULL: no DANE)
 * the records to verify against. OUT is filled; DONE(ARG) runs once, from
 * the loop. NULL when out of memory (DONE does not run). */
struct tls_check_run *tls_check_start(struct probe_engine *engine, struct conn_gate *gate,
				      const struct target_config *cfg, const char *helo,
				      const struct tlsa_set *tlsa, struct tls_check *out,
				      void (*done)(void *arg), void *arg);

/* DONE will not run. NULL allowed. */
void tls_check_cancel(struct tls_check_run *r);

#endif
