/* SPDX-License-Identifier: ISC */
#include "oid_tool.h"

#include <stdio.h>

#include "core/mib_columns.h"

static int oid_usage(void)
{
	fprintf(stderr, "usage: smtpmond --oid NAME [COLUMN]\n"
		"  NAME    a server's (or a round trip's) name, as in its smtpMon... line\n"
		"  COLUMN  a column of smtpMonServerTable or smtpMonRoundTripTable, as in\n"
		"          the MIB (smtpMonServerStatus, smtpMonRoundTripStatus) or, for\n"
		"          servers, without the prefix (Status, Latency, CertDaysLeft);\n"
		"          without COLUMN, the row's index alone\n");
	return 3;
}

int oid_tool_main(int argc, char **argv)
{
	const struct mib_column *col = NULL;
	char buf[512];

	if (argc < 3 || argc > 4)
		return oid_usage();
	if (argc == 4 && !(col = mib_column_find(argv[3]))) {
		fprintf(stderr, "smtpmond: --oid: no column '%s' in smtpMonServerTable or "
			"smtpMonRoundTripTable\n", argv[3]);
		return 3;
	}
	if (mib_instance_oid(buf, sizeof(buf), col, argv[2]) == 0) {
		fprintf(stderr, "smtpmond: --oid: '%s' is not a row name (1 to 32 letters, "
			"digits, '-', '_' or '.')\n", argv[2]);
		return 3;
	}
	puts(buf);
	return 0;
}
