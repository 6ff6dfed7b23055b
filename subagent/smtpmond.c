/* SPDX-License-Identifier: ISC */
/* smtpmond: the AgentX subagent front end of smtpmon. Command line, daemon
 * life cycle and the AgentX connection; the MIB module lives in src/. Built
 * into the module smtpmond-agent.so, which subagent/main.c loads. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "agentx_watch.h"
#include "oid_tool.h"
#include "oneshot_domain.h"
#include "agent_main.h"
#include "agent/process_limits.h"
#include "agent/smtpmon.h"

#define APP "smtpmond"
#define EXIT_REFUSED 78     /* EX_CONFIG: not restarted by the unit */

struct options {
	int foreground;
	int logging_set;
	const char *pidfile;
	const char *user;
};

/* -x: the AgentX address of the command line, which wins over an
 * agentxSocket line in the files (those are read after the options). */
static const char *agentx_address;

/* The daemon's entry point state: the signal self-pipe and its flags. */
static volatile sig_atomic_t stopping;
static volatile sig_atomic_t reload_requested;
static int signal_pipe[2] = { -1, -1 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " APP " [-f] [-c FILE] [-C] [-x AGENTX-ADDRESS] [-L LOGOPTS] [-D[TOKENS]]\n"
		"               [-p PIDFILE] [-u USER] [-V] [-h]\n"
		"       " APP " --probe HOST[:PORT] [--starttls|--tls] [--timeout S] [--helo NAME]\n"
		"               [--verify] [--sni NAME] [--ca-file PATH] [--ca-path DIR]\n"
		"               [--warning MS] [--critical MS] [--strict] [-v]\n"
		"       " APP " --probe DOMAIN[:PORT] --domain | MXHOST[:PORT] --dane\n"
		"               [--trust-anchor FILE] [--resolver ADDR] [--family F]\n"
		"               [--cert-warn-days N] [--timeout S] [--helo NAME] [--ca-file PATH]\n"
		"       " APP " --oid NAME [COLUMN]\n"
		"  -f          stay in the foreground (default: detach, log to syslog)\n"
		"  -c FILE     read FILE (as well as " APP ".conf on SNMPCONFPATH)\n"
		"  -C          do not read the default configuration files\n"
		"  -x ADDRESS  AgentX master address; wins over agentxSocket in the files\n"
		"              (default: %s)\n"
		"  -L LOGOPTS  logging, as snmpd -L (e.g. -Lf FILE, -Le, -Ls daemon)\n"
		"  -D[TOKENS]  debug output for net-snmp TOKENS (comma separated)\n"
		"  -p PIDFILE  write the process id to PIDFILE (removed at exit; with -u,\n"
		"              its directory must be writable by USER)\n"
		"  -u USER     run as USER after connecting to the master\n"
		"  -V          print the version and exit\n"
		"  -h, --help  print this help and exit\n"
		"  --probe HOST[:PORT]  one probe without SNMP, as a monitoring plugin:\n"
		"    --starttls        STARTTLS after EHLO\n"
		"    --tls             implicit TLS (default port: 465)\n"
		"    --timeout S       deadline of the whole probe, 1-3600 (default: 10)\n"
		"    --helo NAME       EHLO name (default: the host's fully qualified name)\n"
		"    --verify          verify the certificate's chain and name (default: no)\n"
		"    --sni NAME        name sent as SNI and verified (default: HOST)\n"
		"    --ca-file PATH    trust anchors for --verify (default: the system store)\n"
		"    --ca-path DIR     hashed directory of trust anchors (default: the system store)\n"
		"    --warning MS      WARNING when slower, 0-3600000 (default: none)\n"
		"    --critical MS     CRITICAL when slower, 0-3600000 (default: none)\n"
		"    --strict          a tolerated RFC 5321 deviation is a WARNING (default: OK)\n"
		"    -v, --verbose     print every stage with its time\n"
		"    exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage or internal error)\n"
		"  --probe HOST --domain|--dane  a domain watch's MTA-STS and DANE checks, once:\n"
		"    --domain          HOST is a mail domain: its MX set, policy and records\n"
		"    --dane            HOST is one MX host: its TLSA records only\n"
		"    --trust-anchor FILE  DNSSEC trust anchors for TLSA (default: none)\n"
		"    --resolver ADDR   DNS server, up to 3 (default: /etc/resolv.conf)\n"
		"    --family F        any, ipv4, ipv6 or both (default: any)\n"
		"    --cert-warn-days N  warn of a certificate with fewer days (default: 14)\n"
		"  --oid NAME [COLUMN]  print the numeric OID of COLUMN (smtpMonServerStatus,\n"
		"              Status, ...) in the row NAME, for tools without the MIB\n",
		NETSNMP_AGENTX_SOCKET);
}

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGTERM || sig == SIGINT)
		stopping = 1;
	else if (sig == SIGHUP)
		reload_requested = 1;
	if (signal_pipe[1] >= 0 && write(signal_pipe[1], "x", 1) < 0) {
		/* The flag alone still acts at the next wake-up. */
	}
	errno = saved;
}

static void drain_signal_pipe(int fd, void *arg)
{
	char buf[64];

	(void)arg;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(signal_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	register_readfd(signal_pipe[0], drain_signal_pipe, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt(argc, argv, "fc:Cx:L:D::p:u:Vh")) != -1) {
		switch (c) {
		case 'f': o->foreground = 1; break;
		case 'c':
			netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OPTIONALCONFIG, optarg);
			break;
		case 'C':
			netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
			break;
		case 'x':
			agentx_address = optarg;
			netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, optarg);
			break;
		case 'L':
			if (snmp_log_options(optarg, argc, argv) < 0) {
				usage(stderr);
				return 3;
			}
			o->logging_set = 1;
			break;
		case 'D':
			debug_register_tokens(optarg);
			snmp_set_do_debugging(1);
			break;
		case 'p': o->pidfile = optarg; break;
		case 'u': o->user = optarg; break;
		case 'V':
			printf(APP " (smtpmon) %s, net-snmp %s\n", SMTPMON_VERSION, netsnmp_get_version());
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 3;
		}
	}
	if (optind < argc) {
		fprintf(stderr, APP ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 3;
	}
	return -1;
}

static int write_pidfile(const char *path, const char *user)
{
	FILE *f = fopen(path, "w");
	struct passwd *pw = user ? getpwnam(user) : NULL;

	if (!f) {
		snmp_log(LOG_ERR, APP ": cannot write pidfile %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	/* USER empties it at exit when it cannot remove it. */
	if (pw && fchown(fileno(f), pw->pw_uid, pw->pw_gid) != 0)
		snmp_log(LOG_WARNING, APP ": cannot give pidfile %s to %s: %s\n", path, user,
			 strerror(errno));
	return fclose(f) == 0 ? 0 : -1;
}

/* With -u, the pidfile is removed as USER: that needs its directory to be
 * writable by USER. Said at start, when it can still be fixed. */
static void check_pidfile_directory(const char *path, const char *user)
{
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";

	if (access(dir, W_OK | X_OK) != 0)
		snmp_log(LOG_WARNING, APP ": the pidfile %s cannot be removed at exit: its "
			 "directory %s is not writable by the user %s (give smtpmond a directory "
			 "that %s owns, such as /run/smtpmond); it will be emptied instead\n",
			 path, dir, user, user);
	free(copy);
}

static void remove_pidfile(const char *path)
{
	int fd;

	if (unlink(path) == 0 || errno == ENOENT)
		return;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	snmp_log(LOG_WARNING, APP ": cannot remove pidfile %s (%s); %s\n", path, strerror(errno),
		 fd >= 0 ? "emptied it" : "it stays as it is");
	if (fd >= 0)
		close(fd);
}

static int drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		snmp_log(LOG_ERR, APP ": unknown user '%s'\n", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snmp_log(LOG_ERR, APP ": cannot become user '%s': %s\n", user, strerror(errno));
		return -1;
	}
	return 0;
}

/* The files were read (at start, or again at SIGHUP): -x wins over their
 * agentxSocket, for this connection and every reconnection. */
static int agentx_address_wins(int major, int minor, void *server, void *client)
{
	(void)major; (void)minor; (void)server; (void)client;
	if (agentx_address)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
				      agentx_address);
	return SNMP_ERR_NOERROR;
}

static int start(const struct options *o, struct agentx_watch **watch)
{
	init_agent(APP);
	smtpmon_init();
	*watch = agentx_watch_start();
	/* Before the subagent's own callback, which connects to the master. */
	netsnmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG,
				  agentx_address_wins, NULL, NETSNMP_CALLBACK_HIGHEST_PRIORITY);
	init_snmp(APP);       /* reads the configuration, connects to the master */
	agentx_watch_check(*watch);
	if (!o->foreground && netsnmp_daemonize(1, !o->logging_set) != 0)
		return -1;
	if (o->pidfile && write_pidfile(o->pidfile, o->user) != 0)
		return -1;
	if (o->user && drop_privileges(o->user) != 0)
		return -1;
	if (o->user && o->pidfile)
		check_pidfile_directory(o->pidfile, o->user);
	if (setup_signals() != 0)
		return -1;
	return smtpmon_start(NULL);   /* threads start after the fork */
}

/* Another agent serves SMTP-MONITOR-MIB (the plugin, most likely). smtpmond
 * says so and exits at once with EX_CONFIG (78), which the systemd unit does
 * not restart on: a clean stop would unregister the OIDs it was refused,
 * and net-snmp's master would then drop the other agent's registrations. */
static void refused(const struct options *o)
{
	snmp_log(LOG_ERR, APP ": snmpd refused to let smtpmond serve SMTP-MONITOR-MIB "
		 "(1.3.6.1.4.1.8072.9999.9999.25): another agent serves it, most likely the "
		 "smtpmon plugin (dlmod smtpmon in snmpd.conf); run either smtpmond or the plugin, "
		 "not both. Exiting.\n");
	if (o->pidfile)
		remove_pidfile(o->pidfile);
	fflush(NULL);
	_exit(EXIT_REFUSED);
}

int smtpmond_main(int argc, char **argv)
{
	struct options o = { 0 };
	struct agentx_watch *watch = NULL;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "--oid") == 0)
		return oid_tool_main(argc, argv);
	if (oneshot_domain_wanted(argc, argv))
		return oneshot_domain_main(argc, argv);
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (!o.logging_set) {
		if (o.foreground)
			snmp_enable_stderrlog();
		else
			snmp_enable_syslog_ident(APP, LOG_DAEMON);
	}
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	/* smtpmond needs no MIB module: without MIBS in its environment it
	 * loads none (net-snmp's default list would print a "Cannot find
	 * module" line for every module a host lacks). */
	setenv("MIBS", "", 0);
	/* The round trips' passwords never go into a core dump: smtpmond makes
	 * none, whatever its configuration (a reload may add them). */
	if (smtpmon_no_core_dumps() < 0)
		snmp_log(LOG_WARNING, APP ": cannot turn core dumps off: %s\n", strerror(errno));
	/* Every probe holds a descriptor: as many as the system lets us. Under
	 * a limit that cannot be raised, probes wait their turn within it. */
	if (smtpmon_raise_file_limit() != 0)
		snmp_log(LOG_WARNING, APP ": cannot raise the open file limit to its hard limit: "
			 "%s\n", strerror(errno));
	SOCK_STARTUP;
	rc = start(&o, &watch);
	if (rc == 0)
		snmp_log(LOG_INFO, APP " %s started\n", SMTPMON_VERSION);
	while (rc == 0 && !stopping) {
		if (agentx_watch_refused(watch))
			refused(&o);    /* does not return */
		agent_check_and_process(1);
		if (reload_requested && !stopping) {
			reload_requested = 0;
			snmp_log(LOG_INFO, APP ": SIGHUP: re-reading the configuration\n");
			smtpmon_reload();
			agentx_address_wins(0, 0, NULL, NULL);
		}
	}
	snmp_log(LOG_INFO, APP " stopping\n");
	smtpmon_shutdown();
	agentx_watch_stop(watch);
	snmp_shutdown(APP);      /* stores persistent data: rows created by SET */
	SOCK_CLEANUP;
	if (o.pidfile)
		remove_pidfile(o.pidfile);
	libevent_global_shutdown();
	return rc == 0 ? 0 : 1;
}
