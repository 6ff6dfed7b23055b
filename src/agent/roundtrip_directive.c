#include "agent/roundtrip_directive.h"
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

/* An inline password sits in a configuration file: others must not read
 * it. net-snmp does not tell a directive which file it is in, so the file
 * given with -c is the one checked; said once per reading of the files. */
static void warn_if_config_readable(struct roundtrip_list *l)
{
	const char *files = netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID,
						  NETSNMP_DS_LIB_OPTIONALCONFIG);
	char path[4096], msg[4096 + 128];
	struct stat st;

	if (!files || l->warned)
		return;
	snprintf(path, sizeof(path), "%s", files[0] == '-' ? files + 1 : files);
	path[strcspn(path, ",")] = '\0';
	if (stat(path, &st) != 0 || !(st.st_mode & S_IROTH))
		return;
	l->warned = 1;
	snprintf(msg, sizeof(msg), "smtpMonRoundTrip: a password= is in the configuration, and "
		 "others can read %.3800s (chmod o-r, or use passwordFile=)", path);
	config_pwarn(msg);
}

/* What a loaded line risks: TLS not verified, a password others can read. */
static void warn_loaded(struct roundtrip_list *l, const struct roundtrip_config *rc, int others)
{
	char msg[200];

	if (!rc->verify_cert) {
		snprintf(msg, sizeof(msg), "smtpMonRoundTrip %s: verifyCert=no: certificates are not "
			 "verified, so its credentials may go to a man in the middle (labs only)",
			 rc->name);
		config_pwarn(msg);
	}
	if (others)
		config_pwarn("smtpMonRoundTrip: the passwordFile can be read by others "
			     "(chmod o-r)");
	else if ((rc->password[0] && !rc->password_file[0]) || rc->smtp_password[0])
		warn_if_config_readable(l);
}

static void parse_roundtrip(const char *token, char *line)
{
	struct roundtrip_config rc;
	char err[600];
	int others = 0;

	(void)token;
	if (roundtrip_parse(line, &rc, err, sizeof(err)) != 0) {
		report(err);
		return;
	}
	if (rc.password_file[0] && roundtrip_read_password_file(&rc, err, sizeof(err), &others) != 0)
		report(err);
	else if (listed(target_list, rc.name))
		report("a round trip of this name is already defined");
	else if (append(target_list, &rc) != 0)
		report("out of memory");
	else
		warn_loaded(target_list, &rc, others);
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
	if (list->items)
		explicit_bzero(list->items, list->cap * sizeof(*list->items));
	free(list->items);
	memset(list, 0, sizeof(*list));
}
