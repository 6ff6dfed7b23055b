/* SPDX-License-Identifier: ISC */
#include "core/mta_sts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

static const char *skip_wsp(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* One "key=value" field of the record, ended by ';' or the end. */
static int record_field(const char **pp, const char *end, char id[MTA_STS_ID_MAX + 1],
			int *have_id, char *err, size_t errlen)
{
	const char *p = skip_wsp(*pp, end), *eq, *stop = memchr(p, ';', (size_t)(end - p));
	size_t n;

	if (!stop)
		stop = end;
	*pp = stop < end ? stop + 1 : end;
	if (p == stop)
		return 0;                       /* an empty field: "...;" at the end */
	eq = memchr(p, '=', (size_t)(stop - p));
	if (!eq)
		return text_error(err, errlen, "a field without '=': %.40s", p);
	if (eq - p != 2 || strncmp(p, "id", 2) != 0)
		return 0;                       /* extensions are ignored */
	p = eq + 1;
	for (n = 0; p + n < stop && isalnum((unsigned char)p[n]); n++)
		;
	if (n == 0 || n > MTA_STS_ID_MAX || skip_wsp(p + n, stop) != stop)
		return text_error(err, errlen, "id=%.40s: expected 1 to 32 letters and digits", p);
	memcpy(id, p, n);
	id[n] = '\0';
	*have_id = 1;
	return 0;
}

static int record_parse(const char *txt, char id[MTA_STS_ID_MAX + 1], char *err, size_t errlen)
{
	const char *p = txt + 8, *end = txt + strlen(txt);
	int have_id = 0;

	while (p < end)
		if (record_field(&p, end, id, &have_id, err, errlen) != 0)
			return -1;
	if (!have_id)
		return text_error(err, errlen, "%s", "the record has no id= field");
	return 1;
}

int mta_sts_record_read(const struct dns_answer *a, char id[MTA_STS_ID_MAX + 1], char *err,
			size_t errlen)
{
	const char *found = NULL;
	unsigned n = 0;

	for (unsigned i = 0; i < a->count; i++)
		if (a->rec[i].type == DNS_TYPE_TXT && strncmp(a->rec[i].u.txt, "v=STSv1;", 8) == 0) {
			found = a->rec[i].u.txt;
			n++;
		}
	if (n == 0)
		return 0;
	if (n > 1)
		return text_error(err, errlen, "%u TXT records start \"v=STSv1;\"; senders use "
				  "none of them", n);
	return record_parse(found, id, err, errlen);
}

/* --- the policy file --------------------------------------------------------- */

struct policy_seen {
	int version, mode, max_age;
};

static int read_mode(const char *v, size_t n, struct mta_sts_policy *p, char *err, size_t errlen)
{
	static const char *const words[] = { "none", "testing", "enforce" };

	for (unsigned i = 0; i < 3; i++)
		if (strlen(words[i]) == n && strncmp(v, words[i], n) == 0) {
			p->mode = (enum mta_sts_mode)(MTA_STS_MODE_NONE + i);
			return 0;
		}
	return text_error(err, errlen, "mode: %.*s: expected enforce, testing or none",
			  (int)(n > 40 ? 40 : n), v);
}

static int read_max_age(const char *v, size_t n, struct mta_sts_policy *p, char *err,
			size_t errlen)
{
	unsigned long long age = 0;
	size_t i;

	for (i = 0; i < n && i < 10 && isdigit((unsigned char)v[i]); i++)
		age = age * 10 + (unsigned)(v[i] - '0');
	if (i == 0 || i != n || age > MTA_STS_MAX_AGE_MAX)
		return text_error(err, errlen, "max_age: %.*s: expected 0 to %u seconds",
				  (int)(n > 40 ? 40 : n), v, MTA_STS_MAX_AGE_MAX);
	p->max_age = (uint32_t)age;
	return 0;
}

static int read_mx(const char *v, size_t n, struct mta_sts_policy *p, char *err, size_t errlen)
{
	if (p->nmx == MTA_STS_MX_MAX)
		return text_error(err, errlen, "more than %d mx lines", MTA_STS_MX_MAX);
	if (n == 0 || n > DNS_NAME_MAX)
		return text_error(err, errlen, "%s", "mx: expected a host name or *.domain");
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("-.*_", v[i]))
			return text_error(err, errlen, "mx: %.*s: not a host name",
					  (int)(n > 40 ? 40 : n), v);
	for (size_t i = 0; i < n; i++)
		p->mx[p->nmx][i] = (char)tolower((unsigned char)v[i]);
	p->mx[p->nmx++][n] = '\0';
	return 0;
}

/* A key given twice: only the first counts (section 3.2), mx excepted. */
static int policy_pair(const char *k, size_t kn, const char *v, size_t vn,
		       struct mta_sts_policy *p, struct policy_seen *seen, char *err, size_t errlen)
{
	if (kn == 7 && strncmp(k, "version", 7) == 0) {
		if (seen->version++)
			return 0;
		if (vn == 5 && strncmp(v, "STSv1", 5) == 0)
			return 0;
		return text_error(err, errlen, "version: %.*s: expected STSv1",
				  (int)(vn > 40 ? 40 : vn), v);
	}
	if (kn == 4 && strncmp(k, "mode", 4) == 0)
		return seen->mode++ ? 0 : read_mode(v, vn, p, err, errlen);
	if (kn == 7 && strncmp(k, "max_age", 7) == 0)
		return seen->max_age++ ? 0 : read_max_age(v, vn, p, err, errlen);
	if (kn == 2 && strncmp(k, "mx", 2) == 0)
		return read_mx(v, vn, p, err, errlen);
	return 0;                               /* extensions are ignored */
}

/* One line (without its LF or CRLF): "key:" *WSP value *WSP. */
static int policy_line(const char *line, size_t n, struct mta_sts_policy *p,
		       struct policy_seen *seen, char *err, size_t errlen)
{
	const char *colon = memchr(line, ':', n), *v, *end = line + n;

	if (n == 0)
		return 0;
	if (!colon)
		return text_error(err, errlen, "a line without ':': %.*s", (int)(n > 40 ? 40 : n),
				  line);
	v = skip_wsp(colon + 1, end);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return policy_pair(line, (size_t)(colon - line), v, (size_t)(end - v), p, seen, err,
			   errlen);
}

static int policy_complete(const struct mta_sts_policy *p, const struct policy_seen *seen,
			   char *err, size_t errlen)
{
	if (!seen->version)
		return text_error(err, errlen, "%s", "no version: line");
	if (!seen->mode)
		return text_error(err, errlen, "%s", "no mode: line");
	if (!seen->max_age)
		return text_error(err, errlen, "%s", "no max_age: line");
	if (p->mode != MTA_STS_MODE_NONE && p->nmx == 0)
		return text_error(err, errlen, "%s", "no mx: line");
	return 0;
}

int mta_sts_policy_read(const char *body, size_t len, struct mta_sts_policy *p, char *err,
			size_t errlen)
{
	struct policy_seen seen = { 0, 0, 0 };
	const char *line = body, *end = body + len, *nl;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->mode = MTA_STS_NO_POLICY;
	if (memchr(body, '\0', len))
		return text_error(err, errlen, "%s", "the policy holds a NUL byte");
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		n = (size_t)((nl ? nl : end) - line);
		if (n && line[n - 1] == '\r')
			n--;
		if (policy_line(line, n, p, &seen, err, errlen) != 0)
			return -1;
		line = nl ? nl + 1 : end;
	}
	return policy_complete(p, &seen, err, errlen);
}

int mta_sts_mx_matches(const char *pattern, const char *mx)
{
	const char *dot;

	if (strncmp(pattern, "*.", 2) != 0)
		return strcasecmp(pattern, mx) == 0;
	dot = strchr(mx, '.');
	return dot && dot != mx && strcasecmp(pattern + 1, dot) == 0;
}

int mta_sts_policy_covers(const struct mta_sts_policy *p, const char *mx)
{
	for (unsigned i = 0; i < p->nmx; i++)
		if (mta_sts_mx_matches(p->mx[i], mx))
			return 1;
	return 0;
}

const char *mta_sts_mode_name(enum mta_sts_mode m)
{
	static const char *const names[] = { "noPolicy", "none", "testing", "enforce" };

	return m >= MTA_STS_NO_POLICY && m <= MTA_STS_ENFORCE ? names[m - 1] : "?";
}

void mta_sts_patterns(const struct mta_sts_policy *p, char *buf, size_t size)
{
	size_t used = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned i = 0; i < p->nmx && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", p->mx[i]);

		if (n < 0)
			return;
		used += (size_t)n;
	}
}
