#include "agent/host_name.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/target_config.h"

void smtpmon_default_helo(char *buf, size_t size)
{
	struct addrinfo hints = { .ai_flags = AI_CANONNAME }, *ai = NULL;

	if (gethostname(buf, size) != 0 || !buf[0])
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
	if (strchr(buf, '.') || getaddrinfo(buf, NULL, &hints, &ai) != 0)
		return;
	if (ai->ai_canonname && target_domain_valid(ai->ai_canonname))
		snprintf(buf, size, "%s", ai->ai_canonname);
	freeaddrinfo(ai);
}
