/* SPDX-License-Identifier: ISC */
/* libFuzzer target: a packet from the network (through a resolver that may
 * lie), read as the answer to each type the client asks. Whatever the
 * octets, the reader stays inside them and its answer is consistent: a
 * failure says why and keeps no record, names and texts are bounded and
 * NUL-terminated, the TTL is the lowest kept. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/dns_packet.h"

static void check_record(const struct dns_record *r, int qtype, uint32_t ttl)
{
	assert(r->type == qtype && r->ttl >= ttl && r->ttl <= 0x7fffffffu);
	if (qtype == DNS_TYPE_MX) {
		size_t len = strnlen(r->u.mx.host, sizeof(r->u.mx.host));

		assert(len <= DNS_NAME_MAX);
		for (size_t i = 0; i < len; i++)
			assert(r->u.mx.host[i] < 'A' || r->u.mx.host[i] > 'Z');
	} else if (qtype == DNS_TYPE_TXT) {
		assert(strnlen(r->u.txt, sizeof(r->u.txt)) <= DNS_TXT_MAX);
	} else if (qtype == DNS_TYPE_A || qtype == DNS_TYPE_AAAA) {
		assert(r->u.addr.family == (qtype == DNS_TYPE_A ? AF_INET : AF_INET6));
	}
}

static void check(const unsigned char *p, size_t len, int qtype)
{
	static struct dns_answer a;
	char text[200];
	int rc = dns_packet_read(p, len, qtype, &a);

	assert(strnlen(a.error, sizeof(a.error)) < sizeof(a.error));
	assert(!a.secure && !a.bogus);
	if (rc != 0) {
		assert(a.outcome == DNS_FAILED && a.count == 0 && a.error[0]);
	} else {
		assert(a.outcome >= DNS_ANSWER && a.outcome <= DNS_FAILED);
		assert(a.count <= DNS_RECORDS_MAX && (a.dropped == 0 || a.count == DNS_RECORDS_MAX));
		assert((a.outcome == DNS_ANSWER) == (a.count > 0));
		for (unsigned i = 0; i < a.count; i++)
			check_record(&a.rec[i], qtype, a.ttl);
	}
	assert(strlen(dns_outcome_text(&a, text, sizeof(text))) < sizeof(text));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { DNS_TYPE_MX, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_TXT,
				     DNS_TYPE_TLSA };
	/* an exact copy, so that ASan sees a read one octet past the end */
	unsigned char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		check(copy, size, types[i]);
	free(copy);
	return 0;
}
