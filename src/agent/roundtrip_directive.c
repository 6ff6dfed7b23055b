/* SPDX-License-Identifier: ISC */
#include "agent/roundtrip_directive.h"
#include "agent/config_source.h"
#include "core/roundtrip_config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* net-snmp's directive callbacks carry no context: this is where they write. */
static struct roundtrip_list *target_list;

static void report(const char *err)
{
	char msg[700];

	snprintf(msg, sizeof(msg), "smtpMonRoundTrip: %s (line ignored)", err);
	config_perror(msg);
}

static int listed(const struct roundtrip_list *l, const char *name)
{
	for (unsigned i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return 1;
	return 0;
}

static int append(struct roundtrip_list *l, const struct roundtrip_config *rc)
{
	if (l->count == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 4;
		struct roundtrip_config *grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return -1;
		if (l->items) {
			memcpy(grown, l->items, l->count * sizeof(*grown));
			explicit_bzero(l->items, l->cap * sizeof(*grown));
			free(l->items);
		}
		l->items = grown;
		l->cap = cap;
	}
	l->items[l->count++] = *rc;
	return 0;
}

/* Says once per reading of the files that PATH, which holds a secret, can
 * be read by others than its owner. */
static void warn_readable(struct roundtrip_list *l, const char *path, const char *what)
{
	char msg[4096 + 200];
	struct stat st;
	int i;

	if (stat(path, &st) != 0 || !(st.st_mode & (S_IRGRP | S_IROTH)))
		return;
	for (i = 0; i < RT_WARNED_MAX && l->warned[i]; i++)
		if (strcmp(l->warned[i], path) == 0)
			return;
	if (i < RT_WARNED_MAX)
		l->warned[i] = strdup(path);
	snprintf(msg, sizeof(msg), "smtpMonRoundTrip: %s %.4000s (chmod go-r%s)", what, path,
		 strcmp(what, "the passwordFile can be read by others:") == 0 ? "" :
		 ", or use passwordFile=");
	config_pwarn(msg);
}

/* The file given with -c: where a line came from when it cannot be told. */
static void optional_config_file(char *path, size_t size)
{
	const char *files = netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID,
						  NETSNMP_DS_LIB_OPTIONALCONFIG);

	snprintf(path, size, "%s", !files ? "" : files[0] == '-' ? files + 1 : files);
	path[strcspn(path, ",")] = '\0';
}

/* What a loaded line risks: TLS not verified, a secret others can read. */
static void warn_loaded(struct roundtrip_list *l, const struct roundtrip_config *rc,
			const char *file)
{
	char msg[200];

	if (!rc->verify_cert) {
		snprintf(msg, sizeof(msg), "smtpMonRoundTrip %s: verifyCert=no: certificates are not "
			 "verified, so its credentials may go to a man in the middle (labs only)",
			 rc->name);
		config_pwarn(msg);
	}
	if (rc->password_file[0])
		warn_readable(l, rc->password_file, "the passwordFile can be read by others:");
	if (rc->password[0] || rc->smtp_password[0])
		warn_readable(l, file, "a password= is in the configuration, and others can read");
}

/* Secrets come only from files an administrator controls: never from
 * net-snmp's persistent store, which snmpd's service account may write
 * and which is read as root before privileges are dropped. */
static int from_persistent_store(const char *file)
{
	char msg[4096 + 160];

	if (!file[0] || !config_source_is_persistent(file))
		return 0;
	snprintf(msg, sizeof(msg), "smtpMonRoundTrip is read from configuration files only, "
		 "never from net-snmp's persistent store (%.4000s): line ignored", file);
	config_perror(msg);
	return 1;
}

static void parse_roundtrip(const char *token, char *line)
{
	struct roundtrip_config rc;
	char err[600], file[4096] = "";

	(void)token;
	if (config_source_current(file, sizeof(file)) != 0)
		optional_config_file(file, sizeof(file));
	if (from_persistent_store(file))
		rc.name[0] = '\0';
	else if (roundtrip_parse(line, &rc, err, sizeof(err)) != 0)
		report(err);
	else if (rc.password_file[0] && roundtrip_check_password_file(rc.password_file, err,
								     sizeof(err)) != 0)
		report(err);
	else if (listed(target_list, rc.name))
		report("a round trip of this name is already defined");
	else if (append(target_list, &rc) != 0)
		report("out of memory");
	else
		warn_loaded(target_list, &rc, file);
	explicit_bzero(&rc, sizeof(rc));
	if (line)
		explicit_bzero(line, strlen(line));   /* net-snmp's copy of the line */
}

void roundtrip_directive_collect_into(struct roundtrip_list *list)
{
	target_list = list;
}

void roundtrip_directive_register(struct roundtrip_list *list)
{
	roundtrip_directive_collect_into(list);
	register_app_config_handler("smtpMonRoundTrip", parse_roundtrip, NULL,
				    "NAME SERVER MAILBOX-URL from=ADDR to=ADDR [key=value ...]");
}

void roundtrip_directive_unregister(void)
{
	unregister_app_config_handler("smtpMonRoundTrip");
	target_list = NULL;
}

void roundtrip_list_clear(struct roundtrip_list *list)
{
	for (int i = 0; i < RT_WARNED_MAX; i++)
		free(list->warned[i]);
	if (list->items)
		explicit_bzero(list->items, list->cap * sizeof(*list->items));
	free(list->items);
	memset(list, 0, sizeof(*list));
}
