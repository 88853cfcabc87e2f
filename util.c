/* util.c: logging, dying at start-up, clocks. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static void vlog(const char *fmt, va_list ap)
{
	char line[512];
	int e = errno, n;
	size_t len = strlen(fmt);

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (len && fmt[len - 1] == ':')
		fprintf(stderr, "rerocctv: %s %s\n", line, strerror(e));
	else
		fprintf(stderr, "rerocctv: %s\n", line);
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
