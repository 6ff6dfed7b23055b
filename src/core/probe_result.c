/* SPDX-License-Identifier: ISC */
#include "core/probe_result.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *probe_result_name(enum probe_result r)
{
	static const char *const names[] = {
		[RESULT_NONE] = "none",
		[RESULT_OK] = "ok",
		[RESULT_DNS_FAILURE] = "dnsFailure",
		[RESULT_CONNECT_REFUSED] = "connectRefused",
		[RESULT_CONNECT_TIMEOUT] = "connectTimeout",
		[RESULT_NETWORK_ERROR] = "networkError",
		[RESULT_BANNER_TIMEOUT] = "bannerTimeout",
		[RESULT_BANNER_REJECTED] = "bannerRejected",
		[RESULT_HELO_TIMEOUT] = "heloTimeout",
		[RESULT_HELO_REJECTED] = "heloRejected",
		[RESULT_TLS_UNAVAILABLE] = "tlsUnavailable",
		[RESULT_TLS_FAILURE] = "tlsFailure",
		[RESULT_CERT_INVALID] = "certInvalid",
		[RESULT_PROTOCOL_ERROR] = "protocolError",
		[RESULT_CONNECTION_CLOSED] = "connectionClosed",
		[RESULT_INTERNAL_ERROR] = "internalError",
	};

	if (r < RESULT_NONE || r > RESULT_INTERNAL_ERROR)
		return "invalid";
	return names[r];
}

const char *probe_stage_name(enum probe_stage s)
{
	switch (s) {
	case STAGE_RESOLVE:
		return "resolve";
	case STAGE_CONNECT:
		return "connect";
	case STAGE_GREETING:
		return "greeting";
	case STAGE_EHLO:
		return "EHLO";
	case STAGE_HELO:
		return "HELO";
	case STAGE_STARTTLS:
		return "STARTTLS";
	case STAGE_TLS:
		return "TLS handshake";
	case STAGE_DONE:
		return "QUIT";
	}
	return "unknown";
}

enum reply_verdict classify_reply(enum probe_stage stage, int code)
{
	int cls = code / 100;

	if (cls == 4 || cls == 5) {
		if (stage == STAGE_EHLO && cls == 5)
			return VERDICT_FALLBACK;
		return VERDICT_REJECTED;
	}
	if (stage == STAGE_GREETING || stage == STAGE_STARTTLS)
		return code == 220 ? VERDICT_PROCEED : VERDICT_OUT_OF_PLACE;
	return code == 250 ? VERDICT_PROCEED : VERDICT_OUT_OF_PLACE;
}

enum probe_result result_for_rejection(enum probe_stage stage)
{
	if (stage == STAGE_STARTTLS)
		return RESULT_TLS_UNAVAILABLE;
	return stage == STAGE_GREETING ? RESULT_BANNER_REJECTED : RESULT_HELO_REJECTED;
}

enum probe_result result_for_timeout(enum probe_stage stage)
{
	switch (stage) {
	case STAGE_RESOLVE:
		return RESULT_DNS_FAILURE;
	case STAGE_CONNECT:
		return RESULT_CONNECT_TIMEOUT;
	case STAGE_GREETING:
		return RESULT_BANNER_TIMEOUT;
	case STAGE_EHLO:
	case STAGE_HELO:
		return RESULT_HELO_TIMEOUT;
	case STAGE_STARTTLS:
	case STAGE_TLS:
		return RESULT_TLS_FAILURE;
	case STAGE_DONE:
		break;
	}
	return RESULT_INTERNAL_ERROR;
}

enum probe_result result_for_close(enum probe_stage stage)
{
	if (stage == STAGE_TLS)
		return RESULT_TLS_FAILURE;
	return stage == STAGE_CONNECT ? RESULT_NETWORK_ERROR : RESULT_CONNECTION_CLOSED;
}

enum probe_result result_for_socket_error(enum probe_stage stage, int err)
{
	if (stage == STAGE_CONNECT) {
		if (err == ECONNREFUSED)
			return RESULT_CONNECT_REFUSED;
		if (err == ETIMEDOUT)
			return RESULT_CONNECT_TIMEOUT;
	}
	return RESULT_NETWORK_ERROR;
}

static const char *cause_text(enum probe_result result)
{
	switch (result) {
	case RESULT_DNS_FAILURE:
		return "the name could not be resolved";
	case RESULT_CONNECT_REFUSED:
		return "connection refused (nothing listens on the port)";
	case RESULT_CONNECT_TIMEOUT:
		return "no answer to the connection attempt within the timeout";
	case RESULT_NETWORK_ERROR:
		return "network error";
	case RESULT_BANNER_TIMEOUT:
		return "connected, but no complete greeting within the timeout";
	case RESULT_BANNER_REJECTED:
		return "the server refused the session in its greeting";
	case RESULT_HELO_TIMEOUT:
		return "no complete reply within the timeout";
	case RESULT_HELO_REJECTED:
		return "the server refused the client's introduction";
	case RESULT_PROTOCOL_ERROR:
		return "the server's answer is not valid SMTP";
	case RESULT_TLS_UNAVAILABLE:
		return "the server refused STARTTLS";
	case RESULT_TLS_FAILURE:
		return "the TLS handshake failed";
	case RESULT_CERT_INVALID:
		return "the server's certificate did not verify";
	case RESULT_CONNECTION_CLOSED:
		return "the server closed the connection";
	case RESULT_INTERNAL_ERROR:
		return "internal error in the prober";
	default:
		return probe_result_name(result);
	}
}

void probe_error_text(char *buf, size_t size, enum probe_result result,
		      enum probe_stage stage, const char *reply, int err)
{
	int n = snprintf(buf, size, "%s: %s", probe_stage_name(stage), cause_text(result));

	if (n < 0 || (size_t)n >= size)
		return;
	if (reply && *reply)
		snprintf(buf + n, size - (size_t)n, "; server said: %s", reply);
	else if (err && (result == RESULT_NETWORK_ERROR || result == RESULT_INTERNAL_ERROR))
		snprintf(buf + n, size - (size_t)n, " (%s)", strerror(err));
}
