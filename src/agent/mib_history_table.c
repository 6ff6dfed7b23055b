/* SPDX-License-Identifier: ISC */
#include "agent/mib_history_table.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/mib_registration.h"
#include "core/oid.h"
#include "core/mib_encode.h"
#include "core/state.h"
#include "shared/store.h"

enum { HCOL_TIME = 2, HCOL_RESULT, HCOL_REPLY_CODE, HCOL_LATENCY, HCOL_DETAIL,
       HCOL_ENHANCED_CODE };

/* One probe as the table shows it, but its detail. */
struct history_facts {
	uint32_t index;                /* smtpMonHistoryIndex */
	uint64_t wall_us;
	enum probe_result result;
	int reply_code;
	uint32_t latency_us;
	uint32_t enhanced_code;        /* "C.S.D" as C*1000000 + S*1000 + D; 0: none */
};

/* An entry as it is built and carried over a reload. */
struct history_entry {
	struct history_facts f;
	char detail[STATE_TEXT_MAX + 1];
};

/* What a table row keeps: the detail at its own length (most are far
 * shorter than 255 octets, and there are N x size of them). */
struct history_row {
	struct history_facts f;
	char detail[];
};

/* The budget's figure holds the longest entry, malloc's header (two
 * words, rounded to 16) and the ring's pointer to it. */
_Static_assert(sizeof(struct history_row) + STATE_TEXT_MAX + 1 + 2 * sizeof(size_t) +
	       sizeof(struct history_row *) <= HISTORY_ENTRY_BYTES,
	       "HISTORY_ENTRY_BYTES is below what an entry can take");

/* A server's entries, oldest first; agent thread only. */
struct history_ring {
	struct target *target;
	struct history_row **rows;
	unsigned cap, count, head;
	uint32_t next_index;           /* 1, 2, ... 4294967295, 1, ... */
};

/* The rings are listed in the table's order (the OID of each server's name)
 * and answered from there: a tdata container of every entry cost a memmove
 * of the whole table for each probe, tens of microseconds at 10,000
 * servers with full histories. */
struct history_table {
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *info;
	unsigned size;
	struct history_ring **rings;   /* sorted by name_cmp */
	unsigned nrings, caprings;
	history_refresh_fn refresh;
	void *refresh_arg;
};

/* --- the order of the index ------------------------------------------- */

/* Compares NAME's index (its length, then its octets) with the OID X of
 * XLEN sub-identifiers, as snmp_oid_compare would. */
static int name_cmp(const char *name, const oid *x, size_t xlen)
{
	size_t len = strlen(name);

	for (size_t k = 0; k <= len; k++) {
		oid mine = k ? (unsigned char)name[k - 1] : len;

		if (k == xlen)
			return 1;              /* X is a prefix of the name's index */
		if (mine != x[k])
			return mine < x[k] ? -1 : 1;
	}
	return len + 1 == xlen ? 0 : -1;
}

/* The first ring whose name's index is >= X (nrings if none). */
static unsigned ring_lower_bound(const struct history_table *ht, const oid *x, size_t xlen)
{
	unsigned lo = 0, hi = ht->nrings;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (name_cmp(ht->rings[mid]->target->cfg.name, x, xlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The ring whose name's index is exactly the first sub-identifiers of X. */
static struct history_ring *ring_named(const struct history_table *ht, const oid *x,
				       size_t xlen)
{
	size_t plen;
	unsigned i;

	if (!xlen || x[0] > TARGET_NAME_MAX || xlen < x[0] + 1)
		return NULL;
	plen = x[0] + 1;
	i = ring_lower_bound(ht, x, plen);
	if (i < ht->nrings && name_cmp(ht->rings[i]->target->cfg.name, x, plen) == 0)
		return ht->rings[i];
	return NULL;
}

/* R's entry with the least index above AFTER (indexes wrap, so by value). */
static const struct history_row *entry_after(const struct history_ring *r, uint64_t after)
{
	const struct history_row *best = NULL;

	for (unsigned i = 0; i < r->count; i++) {
		const struct history_row *e = r->rows[(r->head + i) % r->cap];

		if (e->f.index > after && (!best || e->f.index < best->f.index))
			best = e;
	}
	return best;
}

/* The first row after index X in the table's order; its ring in *RP. A ring
 * whose name is a strict prefix of X holds rows after X only above X's
 * history index; every ring from X on (in order) holds only rows after X. */
static const struct history_row *row_after(const struct history_table *ht, const oid *x,
					   size_t xlen, const struct history_ring **rp)
{
	const struct history_ring *r = ring_named(ht, x, xlen);
	const struct history_row *e = NULL;

	if (r && xlen > x[0] + 1)
		e = entry_after(r, x[x[0] + 1]);
	for (unsigned i = ring_lower_bound(ht, x, xlen); !e && i < ht->nrings; i++) {
		r = ht->rings[i];
		e = entry_after(r, 0);
	}
	*rp = r;
	return e;
}

/* The row at index X exactly. */
static const struct history_row *row_at(const struct history_table *ht, const oid *x,
					size_t xlen)
{
	const struct history_ring *r = ring_named(ht, x, xlen);

	if (!r || xlen != x[0] + 2)
		return NULL;
	for (unsigned i = 0; i < r->count; i++)
		if (r->rows[(r->head + i) % r->cap]->f.index == x[xlen - 1])
			return r->rows[(r->head + i) % r->cap];
	return NULL;
}

/* --- the handler --------------------------------------------------------- */

/* Kept as a number: each of N x size entries stays within its budget. */
static uint32_t pack_enhanced_code(const char *code)
{
	unsigned c, s, d;

	if (sscanf(code, "%1u.%3u.%3u", &c, &s, &d) != 3)
		return 0;
	return c * 1000000u + s * 1000u + d;
}

static void set_enhanced_code(netsnmp_variable_list *vb, uint32_t packed)
{
	char code[16] = "";

	if (packed)
		snprintf(code, sizeof(code), "%u.%u.%u", packed / 1000000u, packed / 1000u % 1000u,
			 packed % 1000u);
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, code, strlen(code));
}

static void set_value(netsnmp_variable_list *vb, unsigned col, const struct history_row *e)
{
	unsigned char dt[DATE_AND_TIME_LEN];
	long v;

	switch (col) {
	case HCOL_TIME:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, dt, mib_date_and_time(e->f.wall_us, dt));
		return;
	case HCOL_DETAIL:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, e->detail, strlen(e->detail));
		return;
	case HCOL_ENHANCED_CODE:
		set_enhanced_code(vb, e->f.enhanced_code);
		return;
	case HCOL_RESULT: v = e->f.result; break;
	case HCOL_REPLY_CODE: v = e->f.reply_code; break;
	default: v = e->f.latency_us; break;
	}
	snmp_set_var_typed_value(vb, col == HCOL_LATENCY ? ASN_UNSIGNED : ASN_INTEGER, &v, sizeof(v));
}

/* The request now names table.1.COL.NAME.INDEX of the row it answers. */
static void name_the_row(netsnmp_handler_registration *reg, netsnmp_variable_list *vb,
			 unsigned col, const struct history_ring *r, const struct history_row *e)
{
	oid name[MAX_OID_LEN];
	size_t n = reg->rootoid_len, len = strlen(r->target->cfg.name);

	memcpy(name, reg->rootoid, n * sizeof(oid));
	name[n++] = 1;
	name[n++] = col;
	name[n++] = len;
	for (size_t k = 0; k < len; k++)
		name[n++] = (unsigned char)r->target->cfg.name[k];
	name[n++] = e->f.index;
	snmp_set_var_objid(vb, name, n);
}

static void answer(struct history_table *ht, netsnmp_handler_registration *reg,
		   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req)
{
	netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);
	const struct history_ring *r = NULL;
	const struct history_row *e;

	if (!ti)
		return;
	if (reqinfo->mode == MODE_GET) {
		e = row_at(ht, ti->index_oid, ti->index_oid_len);
		if (e)
			set_value(req->requestvb, ti->colnum, e);
		else
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		return;
	}
	e = row_after(ht, ti->index_oid, ti->index_oid_len, &r);
	if (!e) {
		req->requestvb->type = SNMP_NOSUCHOBJECT;   /* the next column, if any */
		return;
	}
	name_the_row(reg, req->requestvb, ti->colnum, r, e);
	set_value(req->requestvb, ti->colnum, e);
}

static int handle_history(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct history_table *ht = handler->myvoid;

	if (reqinfo->mode != MODE_GET && reqinfo->mode != MODE_GETNEXT)
		return SNMP_ERR_NOERROR;
	if (ht->refresh)
		ht->refresh(ht->refresh_arg);
	for (netsnmp_request_info *req = requests; req; req = req->next)
		if (!req->processed)
			answer(ht, reginfo, reqinfo, req);
	return SNMP_ERR_NOERROR;
}

/* --- the rings --------------------------------------------------------- */

static void drop_oldest(struct history_ring *r)
{
	free(r->rows[r->head]);
	r->rows[r->head] = NULL;
	r->head = (r->head + 1) % r->cap;
	r->count--;
}

static void unlist_ring(struct history_table *ht, const struct history_ring *r)
{
	for (unsigned i = 0; i < ht->nrings; i++) {
		if (ht->rings[i] == r) {
			memmove(&ht->rings[i], &ht->rings[i + 1],
				(ht->nrings - i - 1) * sizeof(*ht->rings));
			ht->nrings--;
			return;
		}
	}
}

static void free_ring(struct history_table *ht, struct target *t)
{
	struct history_ring *r = t->history;

	if (!r)
		return;
	unlist_ring(ht, r);
	while (r->count)
		drop_oldest(r);
	free(r->rows);
	free(r);
	t->history = NULL;
}

/* Keeps the newest SIZE entries, in a ring of exactly that size. */
static int resize_ring(struct history_ring *r, unsigned size)
{
	struct history_row **rows;

	while (r->count > size)
		drop_oldest(r);
	rows = calloc(size ? size : 1, sizeof(*rows));
	if (!rows)
		return -1;
	for (unsigned i = 0; i < r->count; i++)
		rows[i] = r->rows[(r->head + i) % r->cap];
	free(r->rows);
	r->rows = rows;
	r->cap = size ? size : 1;
	r->head = 0;
	return 0;
}

/* Lists R in the table's order. */
static int list_ring(struct history_table *ht, struct history_ring *r)
{
	oid x[TARGET_NAME_MAX + 1];
	const char *name = r->target->cfg.name;
	size_t len = strlen(name);
	unsigned at;

	if (ht->nrings == ht->caprings) {
		unsigned cap = ht->caprings ? 2 * ht->caprings : 16;
		struct history_ring **rings = realloc(ht->rings, cap * sizeof(*rings));

		if (!rings)
			return -1;
		ht->rings = rings;
		ht->caprings = cap;
	}
	x[0] = len;
	for (size_t k = 0; k < len; k++)
		x[k + 1] = (unsigned char)name[k];
	at = ring_lower_bound(ht, x, len + 1);
	memmove(&ht->rings[at + 1], &ht->rings[at], (ht->nrings - at) * sizeof(*ht->rings));
	ht->rings[at] = r;
	ht->nrings++;
	return 0;
}

static struct history_ring *ring_of(struct history_table *ht, struct target *t)
{
	struct history_ring *r = t->history;

	if (r)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r || resize_ring(r, ht->size) != 0) {
		free(r);
		return NULL;
	}
	r->target = t;
	r->next_index = 1;
	if (list_ring(ht, r) != 0) {
		free(r->rows);
		free(r);
		return NULL;
	}
	t->history = r;
	return r;
}

/* E becomes the newest entry of the ring; the oldest goes if it is full. */
static void add_entry(struct history_ring *r, const struct history_entry *from)
{
	size_t len = strnlen(from->detail, sizeof(from->detail) - 1);
	struct history_row *e = malloc(sizeof(*e) + len + 1);

	if (!e)
		return;
	e->f = from->f;
	memcpy(e->detail, from->detail, len);
	e->detail[len] = '\0';
	if (r->count == r->cap)
		drop_oldest(r);
	r->rows[(r->head + r->count) % r->cap] = e;
	r->count++;
}

void history_record(struct history_table *ht, struct target *t, const struct probe_outcome *o)
{
	struct history_entry e = { .f = {
		.wall_us = o->finished_wall_us, .result = o->result,
		.reply_code = o->reply_code, .latency_us = o->latency_us,
		.enhanced_code = pack_enhanced_code(o->enhanced_code),
	} };
	struct history_ring *r;

	if (!ht->size || !(r = ring_of(ht, t)))
		return;
	e.f.index = r->next_index;
	r->next_index = r->next_index == UINT32_MAX ? 1 : r->next_index + 1;
	/* The error, or the last reply line the server sent and what it broke. */
	if (o->result != RESULT_OK)
		memcpy(e.detail, o->error, sizeof(e.detail));
	else if (o->warning[0])
		snprintf(e.detail, sizeof(e.detail), "%.100s; warning: %.140s", o->last_reply,
			 o->warning);
	else
		memcpy(e.detail, o->last_reply, sizeof(e.detail));
	add_entry(r, &e);
}

/* Entries as plain data: the tdata rows go with the table they are in. */
struct history_saved {
	unsigned count;
	uint32_t next_index;
	struct history_entry entries[];
};

struct history_saved *history_save(const struct target *t)
{
	const struct history_ring *r = t->history;
	struct history_saved *h;

	if (!r)
		return NULL;
	h = malloc(sizeof(*h) + r->count * sizeof(h->entries[0]));
	if (!h)
		return NULL;
	h->count = r->count;
	h->next_index = r->next_index;
	for (unsigned i = 0; i < r->count; i++) {
		const struct history_row *e = r->rows[(r->head + i) % r->cap];
		struct history_entry *out = &h->entries[i];

		out->f = e->f;
		snprintf(out->detail, sizeof(out->detail), "%s", e->detail);
	}
	return h;
}

void history_restore(struct history_table *ht, struct target *t, struct history_saved *saved)
{
	struct history_ring *r;

	if (saved && ht->size && (r = ring_of(ht, t))) {
		r->next_index = saved->next_index;
		for (unsigned i = 0; i < saved->count; i++)
			add_entry(r, &saved->entries[i]);
	}
	free(saved);
}

void history_saved_free(struct history_saved *saved)
{
	free(saved);
}

void history_forget(struct history_table *ht, struct target *t)
{
	if (ht)
		free_ring(ht, t);
}

void history_set_size(struct history_table *ht, struct store *store, unsigned size)
{
	ht->size = size;
	for (unsigned i = 0; i < store->count; i++) {
		struct target *t = store->targets[i];

		if (!size)
			free_ring(ht, t);
		else if (t->history)
			resize_ring(t->history, size);
	}
}

void history_table_set_refresh(struct history_table *ht, history_refresh_fn refresh, void *arg)
{
	ht->refresh = refresh;
	ht->refresh_arg = arg;
}

unsigned history_size(const struct history_table *ht)
{
	return ht->size;
}

static const oid table_oid[] = { SMTPMON_OID, 1, 3 };

struct history_table *history_table_register(unsigned size)
{
	struct history_table *ht = SNMP_MALLOC_TYPEDEF(struct history_table);
	int rc;

	if (!ht)
		return NULL;
	ht->size = size;
	ht->info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	ht->reg = netsnmp_create_handler_registration("smtpMonHistoryTable", handle_history,
						      table_oid, OID_LENGTH(table_oid),
						      HANDLER_CAN_RONLY);
	if (!ht->info || !ht->reg) {
		snmp_log(LOG_ERR, "smtpmon: cannot register smtpMonHistoryTable\n");
		return ht;   /* history off; the rest works */
	}
	ht->reg->handler->myvoid = ht;
	netsnmp_table_helper_add_indexes(ht->info, ASN_OCTET_STR, ASN_UNSIGNED, 0);
	ht->info->min_column = HCOL_TIME;
	ht->info->max_column = HCOL_ENHANCED_CODE;
	if ((rc = netsnmp_register_table(ht->reg, ht->info)) != MIB_REGISTERED_OK) {
		ht->reg = NULL;        /* freed by the failed registration */
		mib_registration_refused("smtpMonHistoryTable", rc);
	}
	return ht;
}

void history_table_unregister(struct history_table *ht, struct store *store)
{
	if (!ht)
		return;
	for (unsigned i = 0; store && i < store->count; i++)
		free_ring(ht, store->targets[i]);
	mib_registration_drop(ht->reg, table_oid, OID_LENGTH(table_oid));
	netsnmp_table_registration_info_free(ht->info);
	free(ht->rings);
	SNMP_FREE(ht);
}
