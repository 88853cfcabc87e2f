/* unit-notify.c: notify.c: NOTIFY_SOCKET addresses (paths, abstract
 * names, what is refused), the watchdog interval from WATCHDOG_USEC and
 * WATCHDOG_PID, and the datagrams themselves on a socket of our own:
 * STATUS= only when it changes, WATCHDOG=1 only when due, nothing at all
 * without NOTIFY_SOCKET. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"
#include "unit.h"

static const size_t base = offsetof(struct sockaddr_un, sun_path);

static void addresses(void)
{
	struct sockaddr_un sa;
	socklen_t len = 0;
	char longname[sizeof(sa.sun_path) + 1];

	CHECK_INT(notify_addr("/run/systemd/notify", &sa, &len), 0, "a path");
	CHECK_STR(sa.sun_path, "/run/systemd/notify", "the path");
	CHECK_INT(len, base + 20, "a path's length counts its NUL");
	CHECK_INT(notify_addr("@rr/notify", &sa, &len), 0, "an abstract name");
	CHECK(sa.sun_path[0] == 0 && memcmp(sa.sun_path + 1, "rr/notify",
					    9) == 0, "@ becomes a NUL");
	CHECK_INT(len, base + 10, "an abstract name's length: no NUL after");
	CHECK_INT(notify_addr(NULL, &sa, &len), -1, "unset");
	CHECK_INT(notify_addr("", &sa, &len), -1, "empty");
	CHECK_INT(notify_addr("@", &sa, &len), -1, "@ alone");
	CHECK_INT(notify_addr("run/notify", &sa, &len), -1, "relative");
	CHECK_INT(notify_addr("vsock:2:99", &sa, &len), -1, "not AF_UNIX");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = 0;
	CHECK_INT(notify_addr(longname, &sa, &len), -1, "too long");
	longname[sizeof(longname) - 2] = 0;
	CHECK_INT(notify_addr(longname, &sa, &len), 0, "the longest path");
}

static void intervals(void)
{
	CHECK_INT(notify_interval("400000", NULL, 42), 200000, "half");
	CHECK_INT(notify_interval("400000", "42", 42), 200000, "our pid");
	CHECK_INT(notify_interval("400000", "43", 42), 0, "another pid");
	CHECK_INT(notify_interval("400000", "", 42), 0, "an empty pid");
	CHECK_INT(notify_interval("400000", "42x", 42), 0, "a bad pid");
	CHECK_INT(notify_interval(NULL, NULL, 42), 0, "no watchdog");
	CHECK_INT(notify_interval("0", NULL, 42), 0, "zero");
	CHECK_INT(notify_interval("", NULL, 42), 0, "empty");
	CHECK_INT(notify_interval("-5", NULL, 42), 0, "negative");
	CHECK_INT(notify_interval(" 400000", NULL, 42), 0, "a space");
	CHECK_INT(notify_interval("99999999999999999999", NULL, 42), 0,
		  "overflow");
	CHECK_INT(notify_interval("1", NULL, 42), 1000,
		  "never more often than once a millisecond");
}

/* The next datagram on fd, or "" when none waits. */
static const char *next(int fd)
{
	static char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static void messages(const char *spec, const struct sockaddr_un *sa,
		     socklen_t len)
{
	struct notify n;
	char pid[24];
	int i, fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	CHECK(fd >= 0 && bind(fd, (const struct sockaddr *)sa, len) == 0,
	      "%s: a socket to listen on", spec);
	setenv("NOTIFY_SOCKET", spec, 1);
	setenv("WATCHDOG_USEC", "400000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	notify_open(&n, 1000000);
	CHECK(n.fd >= 0, "%s: opened", spec);
	notify_send(&n, "READY=1");
	CHECK_STR(next(fd), "READY=1", "READY=1");
	notify_status(&n, "streaming to %d clients", 2);
	CHECK_STR(next(fd), "STATUS=streaming to 2 clients", "STATUS=");
	notify_status(&n, "streaming to %d clients", 2);
	CHECK_STR(next(fd), "", "the same status is not sent again");
	notify_status(&n, "streaming to %d client", 1);
	CHECK_STR(next(fd), "STATUS=streaming to 1 client", "a new one is");

	CHECK_INT(notify_due(&n), 1000000, "the first ping is due at once");
	notify_watchdog(&n, 1000000);
	CHECK_STR(next(fd), "WATCHDOG=1", "WATCHDOG=1");
	CHECK_INT(notify_due(&n), 1200000, "the next one in half 400 ms");
	notify_watchdog(&n, 1199999);
	CHECK_STR(next(fd), "", "not before it is due");
	notify_watchdog(&n, 1250000);
	CHECK_STR(next(fd), "WATCHDOG=1", "when due");
	CHECK_INT(notify_due(&n), 1450000, "then counted from then");

	notify_send(&n, "STOPPING=1");
	CHECK_STR(next(fd), "STOPPING=1", "STOPPING=1");
	/* Nobody reads: the queue fills, and a send fails at once rather
	 * than wait (this would hang if it blocked). */
	for (i = 0; i < 5000 && !n.failed; i++)
		notify_send(&n, "WATCHDOG=1");
	CHECK_INT(n.failed, 1, "a full queue: the send fails, never blocks");
	notify_close(&n);
	notify_close(&n);
	CHECK_INT(n.fd, -1, "closed twice");
	close(fd);
}

static void elsewhere(void)
{
	struct notify n;

	/* The watchdog is another process's: messages, but no pings. */
	setenv("NOTIFY_SOCKET", "@rerocctv-unit-notify-none", 1);
	setenv("WATCHDOG_PID", "1", 1);
	notify_open(&n, 0);
	CHECK(n.fd >= 0 && notify_due(&n) == INT64_MAX,
	      "WATCHDOG_PID of another: no watchdog");
	/* Nobody listens: the send fails, is logged once, and returns. */
	notify_send(&n, "READY=1");
	notify_send(&n, "READY=1");
	CHECK_INT(n.failed, 1, "a failed send is noted");
	notify_close(&n);

	unsetenv("NOTIFY_SOCKET");
	notify_open(&n, 0);
	CHECK_INT(n.fd, -1, "no NOTIFY_SOCKET: nothing to tell");
	CHECK(notify_due(&n) == INT64_MAX, "... and no watchdog");
	notify_send(&n, "READY=1");
	notify_status(&n, "x");
	notify_watchdog(&n, 5000000);
	CHECK_INT(n.failed, 0, "... and no sends");
	notify_close(&n);

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	notify_open(&n, 0);
	CHECK_INT(n.fd, -1, "a relative NOTIFY_SOCKET is refused");
	notify_close(&n);
}

int main(void)
{
	struct sockaddr_un sa;
	socklen_t len;
	char dir[] = "/tmp/unit-notify.XXXXXX", path[64], abs[64];

	addresses();
	intervals();
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return unit_done();
	}
	snprintf(path, sizeof(path), "%s/notify", dir);
	notify_addr(path, &sa, &len);
	messages(path, &sa, len);
	unlink(path);
	rmdir(dir);
	snprintf(abs, sizeof(abs), "@rerocctv-unit-notify-%ld",
		 (long)getpid());
	notify_addr(abs, &sa, &len);
	messages(abs, &sa, len);
	elsewhere();
	return unit_done();
}
