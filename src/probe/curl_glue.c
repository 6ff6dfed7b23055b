/* SPDX-License-Identifier: ISC */
#include "probe/curl_glue.h"

#include <event2/event.h>
#include <openssl/ssl.h>

CURLcode curl_glue_trust(CURL *h, void *ssl_ctx, void *trust)
{
	X509_STORE *store = SSL_CTX_get_cert_store(trust);

	(void)h;
	if (!store || X509_STORE_up_ref(store) != 1)
		return CURLE_SSL_CERTPROBLEM;
	SSL_CTX_set_cert_store(ssl_ctx, store);
	return CURLE_OK;
}

int curl_glue_timer(struct event *timer, long timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	if (timeout_ms < 0)
		evtimer_del(timer);
	else
		evtimer_add(timer, &tv);
	return 0;
}
