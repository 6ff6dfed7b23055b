/* SPDX-License-Identifier: ISC */
/* Where the module lives in the OID tree. */
#ifndef SMTPMON_OID_H
#define SMTPMON_OID_H

/* netSnmpPlaypen.25 until the project has its own enterprise number. */
#define SMTPMON_OID 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 25

#endif
