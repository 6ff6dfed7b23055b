/* SPDX-License-Identifier: ISC */
/* What every libcurl transfer on the probe thread's loop shares: TLS
 * verified against the probe's trust store (smtpMonCaFile/CaPath, or the
 * system's, loaded once by the agent thread), and curl's timer as a
 * libevent timer. */
#ifndef SMTPMON_CURL_GLUE_H
#define SMTPMON_CURL_GLUE_H

#include <curl/curl.h>

struct event;

/* CURLOPT_SSL_CTX_FUNCTION with CURLOPT_SSL_CTX_DATA the probe's SSL_CTX:
 * the transfer's context takes that context's store. */
CURLcode curl_glue_trust(CURL *h, void *ssl_ctx, void *trust);

/* What CURLMOPT_TIMERFUNCTION asks, done to TIMER: run in TIMEOUT_MS, or
 * never (-1). Returns 0. */
int curl_glue_timer(struct event *timer, long timeout_ms);

#endif
