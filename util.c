/* util.c: logging, dying at start-up, clocks. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static __thread const char *tag;

const char *log_tag(const char *t)
{
	const char *was = tag;

	tag = t;
	return was;
}

static void vlog(const char *fmt, va_list ap)
{
	char line[512];
	int e = errno, n;
	size_t len = strlen(fmt);

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	fprintf(stderr, "rerocctv: %s%s%s%s%s\n", tag ? tag : "",
		tag ? ": " : "", line, len && fmt[len - 1] == ':' ? " " : "",
		len && fmt[len - 1] == ':' ? strerror(e) : "");
}

void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(1);
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t now_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

int64_t mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

int64_t thread_cpu_us(void)
{
	return clock_us(CLOCK_THREAD_CPUTIME_ID);
}

int random_bytes(void *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

void hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

int hex_decode(const char *s, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < 2 * n; i++) {
		int c = (unsigned char)s[i];
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		out[i / 2] = (unsigned char)(i % 2 ? out[i / 2] << 4 | v : v);
	}
	return 0;
}

int parse_duration(const char *s, int64_t *secs)
{
	static const char units[] = "smhd";
	static const int64_t mult[] = { 1, 60, 3600, 86400 };
	const char *u;
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0 || v > 100000000)
		return -1;
	if (*end == 0) {
		*secs = v;
		return 0;
	}
	if (end[1] != 0 || !(u = strchr(units, *end)))
		return -1;
	*secs = v * mult[u - units];
	return 0;
}

/* IPv6 by its /64, the smallest block one host is usually given; an
 * IPv4-mapped address as IPv4. b: 4 bytes for AF_INET, 16 for AF_INET6. */
static void key_of(int family, const unsigned char *b, unsigned char key[16])
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	memset(key, 0, 16);
	if (family == AF_INET6) {
		memcpy(key, b, memcmp(b, mapped, 12) == 0 ? 16 : 8);
	} else if (family == AF_INET) {
		memcpy(key, mapped, 12);
		memcpy(key + 12, b, 4);
	}
}

void sa_key(const void *sa, unsigned char key[16])
{
	const struct sockaddr_storage *ss = sa;

	if (ss->ss_family == AF_INET6)
		key_of(AF_INET6, ((const struct sockaddr_in6 *)sa)->
		       sin6_addr.s6_addr, key);
	else if (ss->ss_family == AF_INET)
		key_of(AF_INET, (const unsigned char *)
		       &((const struct sockaddr_in *)sa)->sin_addr, key);
	else
		memset(key, 0, 16);
}

int addr_key(const char *text, unsigned char key[16])
{
	unsigned char b[16];

	if (inet_pton(AF_INET, text, b) == 1)
		key_of(AF_INET, b, key);
	else if (inet_pton(AF_INET6, text, b) == 1)
		key_of(AF_INET6, b, key);
	else
		return -1;
	return 0;
}
