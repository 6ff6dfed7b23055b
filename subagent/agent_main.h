/* SPDX-License-Identifier: ISC */
/* The daemon's entry point, in the module smtpmond-agent.so that smtpmond
 * loads unless it runs the one-shot probe (subagent/main.c). */
#ifndef SMTPMON_AGENT_MAIN_H
#define SMTPMON_AGENT_MAIN_H

/* smtpmond's main() for everything but --probe: returns the exit status. */
int smtpmond_main(int argc, char **argv);

#endif
