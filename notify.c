/* notify.c: the service manager's notify protocol, by hand: one datagram
 * per message to $NOTIFY_SOCKET. Never blocks; errors are logged once. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify.h"
#include "util.h"

int notify_addr(const char *spec, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = spec ? strlen(spec) : 0;

	/* The name must fit with its NUL (a path) or its leading NUL (an
	 * abstract name, which the '@' stands for). */
	if (n < 2 || n >= sizeof(sa->sun_path) ||
	    (spec[0] != '/' && spec[0] != '@'))
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, spec, n);
	if (spec[0] == '@') {
		sa->sun_path[0] = 0;
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				   n + 1);
	}
	return 0;
}

/* A decimal number of at most 18 digits (no sign, no space), or -1. */
static int64_t decimal(const char *s)
{
	int64_t v = 0;
	int i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 18)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return i ? v : -1;
}

int64_t notify_interval(const char *usec, const char *pid, long self)
{
	int64_t us = usec ? decimal(usec) : -1;

	if (us <= 0)
		return 0;
	if (pid && decimal(pid) != (int64_t)self)
		return 0;
	/* Twice per timeout, as sd_watchdog_enabled(3) advises; never so
	 * often that the loop would spin. */
	return MAX(us / 2, 1000);
}

void notify_open(struct notify *n, int64_t now)
{
	const char *spec = getenv("NOTIFY_SOCKET");

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (!spec || !*spec)
		return;
	if (notify_addr(spec, &n->addr, &n->addrlen) != 0) {
		logmsg("NOTIFY_SOCKET %s: not an absolute path or @name; "
		       "not notifying", spec);
		return;
	}
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (n->fd < 0) {
		logmsg("NOTIFY_SOCKET: socket:");
		return;
	}
	n->ping_us = notify_interval(getenv("WATCHDOG_USEC"),
				     getenv("WATCHDOG_PID"), (long)getpid());
	n->next_ping = now;
}

void notify_send(struct notify *n, const char *msg)
{
	if (n->fd < 0)
		return;
	/* A manager that is gone or slow to read must not hold the loop:
	 * MSG_DONTWAIT, and what cannot go is dropped. */
	if (sendto(n->fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&n->addr, n->addrlen) < 0 &&
	    !n->failed) {
		n->failed = 1;
		logmsg("NOTIFY_SOCKET: sending %.*s (said once):",
		       (int)strcspn(msg, "\n"), msg);
	}
}

void notify_status(struct notify *n, const char *fmt, ...)
{
	char text[sizeof(n->status)], msg[sizeof(text) + 8];
	va_list ap;

	if (n->fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strcmp(text, n->status) == 0)
		return;
	memcpy(n->status, text, sizeof(text));
	snprintf(msg, sizeof(msg), "STATUS=%s", text);
	notify_send(n, msg);
}

int64_t notify_due(const struct notify *n)
{
	return n->fd >= 0 && n->ping_us ? n->next_ping : INT64_MAX;
}

void notify_watchdog(struct notify *n, int64_t now)
{
	if (n->fd < 0 || !n->ping_us || now < n->next_ping)
		return;
	notify_send(n, "WATCHDOG=1");
	n->next_ping = now + n->ping_us;
}

void notify_close(struct notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}
