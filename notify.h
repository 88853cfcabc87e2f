/* notify.c: telling the service manager how we are, as sd_notify(3) does
 * but without libsystemd: READY=1, STATUS=..., WATCHDOG=1, STOPPING=1,
 * each one datagram to $NOTIFY_SOCKET. Never blocks; without
 * NOTIFY_SOCKET it does nothing; a failed send is logged once, then
 * ignored. Poll thread only. */
#ifndef NOTIFY_H
#define NOTIFY_H
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

struct notify {
	int fd;				/* -1: nobody to tell */
	struct sockaddr_un addr;	/* where $NOTIFY_SOCKET points */
	socklen_t addrlen;
	int64_t ping_us;		/* WATCHDOG=1 this often; 0: never */
	int64_t next_ping;		/* monotonic µs */
	char status[128];		/* the last STATUS= text sent */
	int failed;			/* a send failed (logged once) */
};

/* The address a NOTIFY_SOCKET value names: an absolute path, or "@name"
 * for a socket in the abstract namespace. 0, or -1 for anything else (a
 * relative path, an empty name, one too long for sun_path). Pure. */
int notify_addr(const char *spec, struct sockaddr_un *sa, socklen_t *len);
/* How often to ping the watchdog, in µs: half of WATCHDOG_USEC, when
 * WATCHDOG_PID is unset or is self (as sd_watchdog_enabled(3) reads
 * them). 0 for no watchdog: usec unset, malformed or 0, or a pid that is
 * malformed or another process's. Pure. */
int64_t notify_interval(const char *usec, const char *pid, long self);

/* Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the
 * environment and opens a non-blocking datagram socket for them. Without
 * NOTIFY_SOCKET, or with one that cannot be used (logged), n->fd stays -1
 * and every other call does nothing. now: monotonic µs; the first
 * watchdog ping is due at once. */
void notify_open(struct notify *n, int64_t now);
/* Sends msg as it is ("READY=1", "STOPPING=1"; several assignments are
 * separated by newlines). */
void notify_send(struct notify *n, const char *msg);
/* Sends "STATUS=" and the formatted text, only when it differs from the
 * last one sent (so calling it on every timer tick costs nothing). */
void notify_status(struct notify *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* When the next watchdog ping is due (monotonic µs), INT64_MAX for
 * never: the poll loop must not sleep past it. */
int64_t notify_due(const struct notify *n);
/* Sends WATCHDOG=1 when it is due at now, and sets the next one. */
void notify_watchdog(struct notify *n, int64_t now);
/* Closes the socket. Safe twice, and on a struct notify_open() left
 * without one. */
void notify_close(struct notify *n);

#endif
