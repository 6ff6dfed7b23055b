/* SPDX-License-Identifier: ISC */
#include "agent/persist.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agent/directives.h"
#include "shared/store.h"

struct persist {
	struct store *store;
	const struct smtpmon_settings *settings;
};

static void store_line(const char *line)
{
	const char *type = netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE);

	read_config_store(type, line);
}

/* Lines go to net-snmp, or into a snapshot kept for its final store. */
struct sink {
	char *buf;
	size_t len, cap;
};

static void emit(struct sink *out, const char *line)
{
	size_t n = strlen(line);
	char *grown;

	if (!out) {
		store_line(line);
		return;
	}
	if (out->len + n + 1 > out->cap) {
		out->cap = (out->len + n + 1) * 2;
		grown = realloc(out->buf, out->cap);
		if (!grown)
			return;
		out->buf = grown;
	}
	memcpy(out->buf + out->len, line, n + 1);
	out->len += n;
}

static void store_rows(const struct store *s, struct sink *out)
{
	char spec[2048], line[2200];
	struct target_config row;

	for (unsigned i = 0; i < s->count; i++) {
		const struct target *t = s->targets[i];

		if (t->storage != STORAGE_NONVOLATILE)
			continue;
		target_spec(t, &row);
		if (target_config_format(&row, spec, sizeof(spec)) != 0) {
			snmp_log(LOG_ERR, "smtpmon: row %s is too long to store\n", row.name);
			continue;
		}
		snprintf(line, sizeof(line), "smtpMonStoredServer %s %s\n",
			 directives_row_status_name(t->row_status), spec);
		emit(out, line);
	}
}

static void store_globals(const struct smtpmon_settings *set, struct sink *out)
{
	struct target_options eff;
	char line[512];

	if (!set->globals_by_snmp)
		return;
	target_options_merge(&eff, &set->defaults, &set->defaults);
	snprintf(line, sizeof(line), "smtpMonStoredGlobals interval=%u timeout=%u "
		 "notifications=%s history=%d helo=%s\n", eff.interval_s, eff.timeout_s,
		 set->notifications != 0 ? "yes" : "no", set->history_size,
		 set->helo_host[0] ? "" : set->helo);   /* the host's own: found at each start */
	emit(out, line);
}

static int on_store(int major, int minor, void *server, void *client)
{
	struct persist *p = client;

	(void)major;
	(void)minor;
	(void)server;
	store_rows(p->store, NULL);
	store_globals(p->settings, NULL);
	return SNMPERR_SUCCESS;
}

/* The final store happens in snmp_shutdown(), after the rows are gone: it
 * writes this copy, and net-snmp frees the block with its callbacks. */
struct snapshot {
	char text[1];
};

static int on_store_snapshot(int major, int minor, void *server, void *client)
{
	struct snapshot *snap = client;
	char *save = NULL, *copy = strdup(snap->text), line[2300];

	(void)major;
	(void)minor;
	(void)server;
	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		snprintf(line, sizeof(line), "%s\n", l);
		store_line(line);
	}
	free(copy);
	return SNMPERR_SUCCESS;
}

void persist_detach(struct persist *p)
{
	struct sink out = { NULL, 0, 0 };
	struct snapshot *snap;

	if (!p)
		return;
	store_rows(p->store, &out);
	store_globals(p->settings, &out);
	snap = malloc(sizeof(*snap) + out.len);
	if (snap) {
		memcpy(snap->text, out.buf ? out.buf : "", out.len);
		snap->text[out.len] = '\0';
		snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_STORE_DATA,
				       on_store_snapshot, snap);
	}
	free(out.buf);
	persist_unregister(p);
}

struct persist *persist_register(struct store *store, const struct smtpmon_settings *settings)
{
	struct persist *p = SNMP_MALLOC_TYPEDEF(struct persist);

	if (!p)
		return NULL;
	p->store = store;
	p->settings = settings;
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_STORE_DATA, on_store, p);
	return p;
}

void persist_unregister(struct persist *p)
{
	if (!p)
		return;
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_STORE_DATA, on_store, p, 1);
	SNMP_FREE(p);
}
