/* SPDX-License-Identifier: ISC */
#include "agentx_watch.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CHECK_EVERY_S 5

struct agentx_watch {
	int connected;      /* between INDEX_START and INDEX_STOP */
	int reported;       /* the errno last explained, 0: none */
	int refused;        /* the master refused a registration */
	unsigned alarm;
	netsnmp_log_handler *log;
};

/* The master's socket when it is a local path (tcp: is not ours to judge). */
static const char *socket_path(void)
{
	const char *s = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET);

	if (!s)
		s = NETSNMP_AGENTX_SOCKET;
	if (strncmp(s, "unix:", 5) == 0)
		s += 5;
	return s[0] == '/' ? s : NULL;
}

/* What connect() says about PATH: 0, or its errno. */
static int try_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		err = errno;
	close(fd);
	return err;
}

static void explain(const char *path, int err)
{
	if (err == EACCES || err == EPERM)
		snmp_log(LOG_ERR, "smtpmond: the AgentX socket %s does not let uid %d gid %d "
			 "connect (%s): snmpd's agentXPerms (socket mode, owner and group) must "
			 "allow smtpmond's user\n", path, (int)geteuid(), (int)getegid(),
			 strerror(err));
	else if (err == ENOENT || err == ENOTDIR)
		snmp_log(LOG_ERR, "smtpmond: there is no AgentX socket %s: is snmpd running with "
			 "'master agentx', and do agentXSocket (snmpd.conf) and -x / agentxSocket "
			 "(smtpmond) name the same socket?\n", path);
	else if (err == ECONNREFUSED)
		snmp_log(LOG_ERR, "smtpmond: nothing listens on the AgentX socket %s: snmpd is "
			 "not running (the socket is left over)\n", path);
	else
		snmp_log(LOG_ERR, "smtpmond: cannot connect to the AgentX socket %s: %s\n", path,
			 strerror(err));
}

static void check(unsigned clientreg, void *arg)
{
	struct agentx_watch *w = arg;
	const char *path = socket_path();
	int err;

	(void)clientreg;
	if (w->connected || !path)
		return;
	err = try_connect(path);
	if (err && err != w->reported)
		explain(path, err);
	w->reported = err;
}

static int on_index(int major, int minor, void *server_arg, void *client_arg)
{
	struct agentx_watch *w = client_arg;

	(void)major;
	(void)server_arg;
	w->connected = minor == SNMPD_CALLBACK_INDEX_START;
	if (w->connected)
		w->reported = 0;
	return SNMPERR_SUCCESS;
}

/* net-snmp's subagent says a refused registration only in its log (and
 * its register call still returns success), so the log is where it is
 * seen. */
static int on_log(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message *m = server_arg;
	struct agentx_watch *w = client_arg;

	(void)major;
	(void)minor;
	if (m && m->msg && strstr(m->msg, "registering pdu failed"))
		w->refused = 1;
	return SNMPERR_SUCCESS;
}

int agentx_watch_refused(const struct agentx_watch *w)
{
	return w && w->refused;
}

void agentx_watch_check(struct agentx_watch *w)
{
	if (w)
		check(0, w);
}

struct agentx_watch *agentx_watch_start(void)
{
	struct agentx_watch *w = SNMP_MALLOC_TYPEDEF(struct agentx_watch);

	if (!w)
		return NULL;
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, on_index, w);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, on_index, w);
	w->alarm = snmp_alarm_register(CHECK_EVERY_S, SA_REPEAT, check, w);
	w->log = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_ERR);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, w);
	return w;
}

void agentx_watch_stop(struct agentx_watch *w)
{
	if (!w)
		return;
	snmp_alarm_unregister(w->alarm);
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, w, 1);
	if (w->log)
		netsnmp_remove_loghandler(w->log);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
				 on_index, w, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
				 on_index, w, 1);
	SNMP_FREE(w);
}
