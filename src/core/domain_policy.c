/* SPDX-License-Identifier: ISC */
#include "core/domain_policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

/* STATE, with why in REASON: for both judges' states (enums convert). */
static int say(int state, char *reason, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(int state, char *reason, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, size, fmt, ap);
	va_end(ap);
	return state;
}

void tlsa_set_from_answer(struct tlsa_set *t, const char *mx, const struct dns_answer *a)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->mx, sizeof(t->mx), "%s", mx);
	t->outcome = a->outcome;
	t->secure = a->secure;
	t->bogus = a->bogus;
	if (a->outcome == DNS_FAILED || a->bogus)
		snprintf(t->error, sizeof(t->error), "%s", a->error);
	for (unsigned i = 0; a->outcome == DNS_ANSWER && i < a->count; i++) {
		const struct dns_tlsa *r = &a->rec[i].u.tlsa;

		if (a->rec[i].type != DNS_TYPE_TLSA)
			continue;
		/* Full data (matching type 0) longer than kept cannot be compared. */
		if ((r->usage == 2 || r->usage == 3) && r->selector <= 1 && r->mtype <= 2 &&
		    r->len <= sizeof(r->data)) {
			if (t->usable < TLSA_KEPT_MAX)
				t->rec[t->usable] = *r;
			t->usable++;
		} else {
			t->unusable++;
		}
	}
}

const struct tlsa_set *policy_tlsa_for(const struct domain_policy_report *r, const char *mx)
{
	for (unsigned i = 0; i < r->ntlsa; i++)
		if (strcmp(r->tlsa[i].mx, mx) == 0)
			return &r->tlsa[i];
	return NULL;
}

const struct tls_check *policy_check_for(const struct domain_policy_report *r, const char *mx,
					 const struct dns_addr *where)
{
	for (unsigned i = 0; i < r->nchecks; i++)
		if (strcmp(r->check[i].mx, mx) == 0 && dns_addr_cmp(&r->check[i].addr, where) == 0)
			return &r->check[i];
	return NULL;
}

/* --- MTA-STS ----------------------------------------------------------------- */

static const char *consequence(const struct mta_sts_policy *p)
{
	return p->mode == MTA_STS_ENFORCE ? "senders that apply the policy will not deliver to it"
	       : "senders in testing mode deliver and report it";
}

static enum mta_sts_state fetch_state(const struct domain_policy_report *r, char *reason,
				      size_t size)
{
	switch (r->fetch) {
	case FETCH_OK:
		break;
	case FETCH_REDIRECTED:
		return say(MTA_STS_REDIRECTED, reason, size, "the policy URL redirects (%s); senders "
			   "follow no redirect", r->fetch_error);
	case FETCH_TOO_LARGE:
		return say(MTA_STS_TOO_LARGE, reason, size, "the policy is larger than %d bytes",
			   MTA_STS_POLICY_MAX);
	case FETCH_NOT_TEXT:
		return say(MTA_STS_INVALID_POLICY, reason, size, "the policy is served as %s, not "
			   "text/plain", r->fetch_error);
	default:
		return say(MTA_STS_FETCH_FAILED, reason, size, "the policy could not be fetched: %s",
			   r->fetch_error);
	}
	if (!r->policy_ok)
		return say(MTA_STS_INVALID_POLICY, reason, size, "the policy is not valid: %s",
			   r->policy_error);
	return MTA_STS_OK;
}

static enum mta_sts_state coverage(const struct domain_policy_report *r, const struct mx_set *s,
				   char *reason, size_t size)
{
	char patterns[128];

	for (unsigned i = 0; i < s->nhosts; i++)
		if (!mta_sts_policy_covers(&r->policy, s->host[i].name)) {
			mta_sts_patterns(&r->policy, patterns, sizeof(patterns));
			return say(MTA_STS_MX_NOT_COVERED, reason, size, "MX %s matches none of the "
				   "policy's mx patterns (%s): %s", s->host[i].name, patterns,
				   consequence(&r->policy));
		}
	return MTA_STS_OK;
}

static enum mta_sts_state certificates(const struct domain_policy_report *r, char *reason,
				       size_t size)
{
	for (unsigned i = 0; i < r->nchecks; i++) {
		const struct tls_check *c = &r->check[i];

		if (c->outcome == TLS_CHECK_NO_TLS)
			return say(MTA_STS_CERT_INVALID, reason, size, "MX %s: %s: %s", c->mx,
				   c->error, consequence(&r->policy));
		if (c->outcome == TLS_CHECK_DONE && !c->pkix_ok)
			return say(MTA_STS_CERT_INVALID, reason, size, "MX %s: the certificate is not "
				   "valid for it (%s): %s", c->mx, c->pkix_error,
				   consequence(&r->policy));
	}
	return MTA_STS_OK;
}

/* A sentence on what holds, with the first certificate that expires soon. */
static enum mta_sts_state all_well(const struct domain_policy_report *r, uint32_t warn_days,
				   char *reason, size_t size)
{
	const struct tls_check *soon = NULL;
	unsigned unreached = 0;

	for (unsigned i = 0; i < r->nchecks; i++) {
		const struct tls_check *c = &r->check[i];

		unreached += c->outcome == TLS_CHECK_UNREACHABLE;
		if (c->outcome == TLS_CHECK_DONE && c->days_left <= (int32_t)warn_days &&
		    (!soon || c->days_left < soon->days_left))
			soon = c;
	}
	say(MTA_STS_OK, reason, size, "mode %s, id %s: every MX is covered%s",
	    mta_sts_mode_name(r->policy.mode), r->txt.id,
	    unreached ? "; some MX could not be reached to check its certificate"
		      : " and presents a valid certificate");
	if (soon && strlen(reason) + 1 < size)
		snprintf(reason + strlen(reason), size - strlen(reason), "; the certificate of MX "
			 "%s expires in %d days", soon->mx, (int)soon->days_left);
	return MTA_STS_OK;
}

enum mta_sts_state mta_sts_judge(const struct domain_policy_report *r, const struct mx_set *s,
				 uint32_t warn_days, char *reason, size_t size)
{
	enum mta_sts_state st;

	if (!r->mta_sts)
		return say(MTA_STS_DISABLED, reason, size, "%s", "not checked (mtaSts=no)");
	if (r->txt.outcome == DNS_FAILED)
		return say(MTA_STS_DNS_ERROR, reason, size, "the _mta-sts TXT lookup failed: %s",
			   r->txt.error);
	if (r->txt.found == 0)
		return say(MTA_STS_NONE, reason, size, "%s", "no _mta-sts TXT record: the domain "
			   "publishes no MTA-STS policy");
	if (r->txt.found < 0)
		return say(MTA_STS_INVALID_RECORD, reason, size, "the _mta-sts TXT record is not "
			   "valid: %s", r->txt.problem);
	if ((st = fetch_state(r, reason, size)) != MTA_STS_OK)
		return st;
	if (r->policy.mode == MTA_STS_MODE_NONE)
		return say(MTA_STS_OK, reason, size, "mode none, id %s: senders do not apply the "
			   "policy", r->txt.id);
	if ((st = coverage(r, s, reason, size)) != MTA_STS_OK)
		return st;
	if ((st = certificates(r, reason, size)) != MTA_STS_OK)
		return st;
	return all_well(r, warn_days, reason, size);
}

/* --- DANE -------------------------------------------------------------------- */

/* What the records say before any connection. DANE_VALID: go on. */
static enum dane_state records_state(int have_anchor, const struct tlsa_set *t, char *reason,
				     size_t size)
{
	if (t->bogus)
		return say(DANE_BOGUS, reason, size, "the TLSA records of %s fail DNSSEC validation "
			    "(%s): DANE senders defer mail to it", t->mx, t->error);
	if (t->outcome == DNS_FAILED)
		return say(DANE_DNS_ERROR, reason, size, "the TLSA lookup for %s failed (%s): DANE "
			    "senders defer mail to it", t->mx, t->error);
	if (t->outcome != DNS_ANSWER || t->usable == 0)
		return say(DANE_NONE, reason, size, "%s", t->unusable ?
			    "only PKIX-TA(0) or PKIX-EE(1) TLSA records, which SMTP senders ignore"
			    : "no TLSA records: DANE does not apply");
	if (!have_anchor)
		return say(DANE_NO_TRUST_ANCHOR, reason, size, "%s", "TLSA records found, but "
			    "without smtpMonTrustAnchor they cannot be validated");
	if (!t->secure)
		return say(DANE_UNSIGNED, reason, size, "%s", "the TLSA records are not "
			    "DNSSEC-signed: senders ignore them");
	return DANE_VALID;
}

enum dane_state dane_judge(int have_anchor, const struct tlsa_set *t, const struct tls_check *c,
			   uint32_t warn_days, char *reason, size_t size, char *record,
			   size_t rsize)
{
	enum dane_state st;

	record[0] = '\0';
	if (!t)
		return say(DANE_DISABLED, reason, size, "%s", "not checked (dane=no)");
	if ((st = records_state(have_anchor, t, reason, size)) != DANE_VALID)
		return st;
	if (!c || c->outcome == TLS_CHECK_NOT_RUN)
		return say(DANE_UNKNOWN, reason, size, "%s", "not checked yet");
	if (c->outcome == TLS_CHECK_UNREACHABLE)
		return say(DANE_UNREACHABLE, reason, size, "cannot check: %s", c->error);
	if (c->outcome == TLS_CHECK_NO_TLS)
		return say(DANE_NO_TLS, reason, size, "%s: DANE senders defer mail to it", c->error);
	if (!c->dane_checked)
		return say(DANE_NONE, reason, size, "%s", "none of the TLSA records could be used: "
			    "senders treat the MX as without DANE");
	if (!c->dane_ok)
		return say(DANE_MISMATCH, reason, size, "no TLSA record matches the certificate "
			    "presented (%s): DANE senders do not deliver to it", c->dane_error);
	snprintf(record, rsize, "%s", c->dane_record);
	if (c->spare == 0 && c->days_left <= (int32_t)warn_days)
		return say(DANE_EXPIRING, reason, size, "%s matches, but the certificate expires in "
			    "%d days and no record for a next key is published: publish it before "
			    "the certificate is replaced", c->dane_record, (int)c->days_left);
	return say(DANE_VALID, reason, size, "%s matches the certificate presented (%u record%s "
		    "for a next key; it expires in %d days)", c->dane_record, c->spare,
		    c->spare == 1 ? "" : "s", (int)c->days_left);
}

/* --- names ------------------------------------------------------------------- */

const char *mta_sts_state_name(enum mta_sts_state s)
{
	static const char *const names[] = {
		"unknown", "disabled", "none", "ok", "dnsError", "invalidRecord", "fetchFailed",
		"redirected", "tooLarge", "invalidPolicy", "mxNotCovered", "certInvalid",
	};

	return s >= MTA_STS_UNKNOWN && s <= MTA_STS_CERT_INVALID ? names[s - 1] : "?";
}

const char *dane_state_name(enum dane_state s)
{
	static const char *const names[] = {
		"unknown", "disabled", "none", "valid", "unsigned", "noTrustAnchor", "unreachable",
		"expiring", "mismatch", "bogus", "dnsError", "noTls",
	};

	return s >= DANE_UNKNOWN && s <= DANE_NO_TLS ? names[s - 1] : "?";
}

int mta_sts_state_is_problem(enum mta_sts_state s)
{
	return s >= MTA_STS_DNS_ERROR && s <= MTA_STS_CERT_INVALID;
}

int dane_state_is_problem(enum dane_state s)
{
	return s >= DANE_EXPIRING && s <= DANE_NO_TLS;
}

void tlsa_text(const struct dns_tlsa *t, char *buf, size_t size)
{
	size_t n = t->len < 16 ? t->len : 16;
	int used = snprintf(buf, size, "%u %u %u ", t->usage, t->selector, t->mtype);

	for (size_t i = 0; i < n && used > 0 && (size_t)used + 3 < size; i++)
		used += snprintf(buf + used, size - (size_t)used, "%02x", t->data[i]);
	if (t->len > n && used > 0 && (size_t)used + 4 < size)
		snprintf(buf + used, size - (size_t)used, "...");
}
