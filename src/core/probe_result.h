/* SPDX-License-Identifier: ISC */
/* SmtpMonProbeResult and the pure rules that turn what happened during a
 * probe into one of its values and a sentence an operator can act on. */
#ifndef SMTPMON_PROBE_RESULT_H
#define SMTPMON_PROBE_RESULT_H

#include <stddef.h>

/* Values are the MIB's SmtpMonProbeResult enumeration. */
enum probe_result {
	RESULT_NONE = 1,
	RESULT_OK = 2,
	RESULT_DNS_FAILURE = 3,
	RESULT_CONNECT_REFUSED = 4,
	RESULT_CONNECT_TIMEOUT = 5,
	RESULT_NETWORK_ERROR = 6,
	RESULT_BANNER_TIMEOUT = 7,
	RESULT_BANNER_REJECTED = 8,
	RESULT_HELO_TIMEOUT = 9,
	RESULT_HELO_REJECTED = 10,
	RESULT_TLS_UNAVAILABLE = 11,
	RESULT_TLS_FAILURE = 12,
	RESULT_CERT_INVALID = 13,
	RESULT_PROTOCOL_ERROR = 14,
	RESULT_CONNECTION_CLOSED = 15,
	RESULT_INTERNAL_ERROR = 16,
};

/* Where a probe was when it ended. */
enum probe_stage {
	STAGE_RESOLVE,
	STAGE_CONNECT,
	STAGE_GREETING,
	STAGE_EHLO,
	STAGE_HELO,
	STAGE_STARTTLS,   /* STARTTLS sent, waiting for its 220 */
	STAGE_TLS,        /* TLS handshake */
	STAGE_DONE,
};

/* What to do with a reply to the greeting, EHLO or HELO. */
enum reply_verdict {
	VERDICT_PROCEED,      /* expected success: go to the next stage */
	VERDICT_FALLBACK,     /* EHLO refused with 5xx: try HELO */
	VERDICT_REJECTED,     /* the server refused: bannerRejected/heloRejected */
	VERDICT_OUT_OF_PLACE, /* a code that makes no sense here: protocolError */
};

const char *probe_result_name(enum probe_result r);
const char *probe_stage_name(enum probe_stage s);

enum reply_verdict classify_reply(enum probe_stage stage, int code);
enum probe_result result_for_rejection(enum probe_stage stage);
enum probe_result result_for_timeout(enum probe_stage stage);
enum probe_result result_for_close(enum probe_stage stage);
enum probe_result result_for_socket_error(enum probe_stage stage, int err);

/* One sentence naming the stage and the cause, with the server's reply text
 * (REPLY, may be NULL) or the system error (ERR, 0 for none). */
void probe_error_text(char *buf, size_t size, enum probe_result result,
		      enum probe_stage stage, const char *reply, int err);

#endif
