#include "mib_history_table.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdlib.h>
#include <string.h>

#include "mib_encode.h"
#include "smtpmon.h"

enum { HCOL_TIME = 2, HCOL_RESULT, HCOL_REPLY_CODE, HCOL_LATENCY, HCOL_DETAIL };

/* One probe as the table shows it, but its detail. */
struct history_facts {
	uint32_t index;                /* smtpMonHistoryIndex */
	uint64_t wall_us;
	enum probe_result result;
	int reply_code;
	uint32_t latency_us;
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

/* A server's entries, oldest first; agent thread only. */
struct history_ring {
	netsnmp_tdata_row **rows;
	unsigned cap, count, head;
	uint32_t next_index;           /* 1, 2, ... 4294967295, 1, ... */
};

struct history_table {
	netsnmp_tdata *table;
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *info;
	unsigned size;
};

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
	case HCOL_RESULT: v = e->f.result; break;
	case HCOL_REPLY_CODE: v = e->f.reply_code; break;
	default: v = e->f.latency_us; break;
	}
	snmp_set_var_typed_value(vb, col == HCOL_LATENCY ? ASN_UNSIGNED : ASN_INTEGER, &v, sizeof(v));
}

static int handle_history(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler;
	(void)reginfo;
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *req = requests; req; req = req->next) {
		const struct history_row *e = netsnmp_tdata_extract_entry(req);
		netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);

		if (req->processed)
			continue;
		if (!e || !ti)
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		else
			set_value(req->requestvb, ti->colnum, e);
	}
	return SNMP_ERR_NOERROR;
}

static void drop_oldest(struct history_table *ht, struct history_ring *r)
{
	netsnmp_tdata_row *row = r->rows[r->head];

	free(netsnmp_tdata_remove_and_delete_row(ht->table, row));
	r->rows[r->head] = NULL;
	r->head = (r->head + 1) % r->cap;
	r->count--;
}

static void free_ring(struct history_table *ht, struct target *t)
{
	struct history_ring *r = t->history;

	if (!r)
		return;
	while (r->count)
		drop_oldest(ht, r);
	free(r->rows);
	free(r);
	t->history = NULL;
}

/* Keeps the newest SIZE entries, in a ring of exactly that size. */
static int resize_ring(struct history_table *ht, struct history_ring *r, unsigned size)
{
	netsnmp_tdata_row **rows;

	while (r->count > size)
		drop_oldest(ht, r);
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

static struct history_ring *ring_of(struct history_table *ht, struct target *t)
{
	struct history_ring *r = t->history;

	if (r)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r || resize_ring(ht, r, ht->size) != 0) {
		free(r);
		return NULL;
	}
	r->next_index = 1;
	t->history = r;
	return r;
}

static netsnmp_tdata_row *new_row(const char *name, const struct history_entry *from)
{
	netsnmp_tdata_row *row = netsnmp_tdata_create_row();
	size_t len = strnlen(from->detail, sizeof(from->detail) - 1);
	struct history_row *e = malloc(sizeof(*e) + len + 1);
	u_long idx = from->f.index;

	if (!row || !e) {
		free(e);
		if (row)
			netsnmp_tdata_delete_row(row);
		return NULL;
	}
	e->f = from->f;
	memcpy(e->detail, from->detail, len);
	e->detail[len] = '\0';
	row->data = e;
	netsnmp_tdata_row_add_index(row, ASN_OCTET_STR, name, strlen(name));
	netsnmp_tdata_row_add_index(row, ASN_UNSIGNED, &idx, sizeof(idx));
	return row;
}

/* E becomes the newest entry of T's ring; the oldest goes if it is full. */
static void add_entry(struct history_table *ht, struct history_ring *r, const char *name,
		      const struct history_entry *e)
{
	netsnmp_tdata_row *row = new_row(name, e);

	if (!row)
		return;
	if (r->count == r->cap)
		drop_oldest(ht, r);
	if (netsnmp_tdata_add_row(ht->table, row) != SNMPERR_SUCCESS) {
		free(netsnmp_tdata_delete_row(row));
		return;
	}
	r->rows[(r->head + r->count) % r->cap] = row;
	r->count++;
}

void history_record(struct history_table *ht, struct target *t, const struct probe_outcome *o)
{
	struct history_entry e = { .f = {
		.wall_us = o->finished_wall_us, .result = o->result,
		.reply_code = o->reply_code, .latency_us = o->latency_us,
	} };
	struct history_ring *r;

	if (!ht->size || !(r = ring_of(ht, t)))
		return;
	e.f.index = r->next_index;
	r->next_index = r->next_index == UINT32_MAX ? 1 : r->next_index + 1;
	/* The error, or the last reply line the server sent. */
	memcpy(e.detail, o->result == RESULT_OK ? o->last_reply : o->error, sizeof(e.detail));
	add_entry(ht, r, t->cfg.name, &e);
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
		const struct history_row *e = r->rows[(r->head + i) % r->cap]->data;
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
			add_entry(ht, r, t->cfg.name, &saved->entries[i]);
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
			resize_ring(ht, t->history, size);
	}
}

unsigned history_size(const struct history_table *ht)
{
	return ht->size;
}

struct history_table *history_table_register(unsigned size)
{
	static const oid table_oid[] = { SMTPMON_OID, 1, 3 };
	struct history_table *ht = SNMP_MALLOC_TYPEDEF(struct history_table);

	if (!ht)
		return NULL;
	ht->size = size;
	/* The index is kept as an OID only: a varbind list per row costs 1 KiB each. */
	ht->table = netsnmp_tdata_create_table("smtpMonHistoryTable", TDATA_FLAG_NO_STORE_INDEXES);
	ht->info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	ht->reg = netsnmp_create_handler_registration("smtpMonHistoryTable", handle_history,
						      table_oid, OID_LENGTH(table_oid),
						      HANDLER_CAN_RONLY);
	if (!ht->table || !ht->info || !ht->reg) {
		snmp_log(LOG_ERR, "smtpmon: cannot register smtpMonHistoryTable\n");
		return ht;   /* history off; the rest works */
	}
	netsnmp_table_helper_add_indexes(ht->info, ASN_OCTET_STR, ASN_UNSIGNED, 0);
	ht->info->min_column = HCOL_TIME;
	ht->info->max_column = HCOL_DETAIL;
	if (netsnmp_tdata_register(ht->reg, ht->table, ht->info) != MIB_REGISTERED_OK)
		ht->reg = NULL;
	return ht;
}

void history_table_unregister(struct history_table *ht, struct store *store)
{
	if (!ht)
		return;
	for (unsigned i = 0; store && i < store->count; i++)
		free_ring(ht, store->targets[i]);
	if (ht->reg)
		netsnmp_unregister_handler(ht->reg);
	if (ht->table)
		netsnmp_tdata_delete_table(ht->table);
	netsnmp_table_registration_info_free(ht->info);
	SNMP_FREE(ht);
}
