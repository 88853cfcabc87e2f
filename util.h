/* util.c: the few helpers every module shares: logging, dying at start-up,
 * clocks. Logging is one line per call, safe from any thread. */
#ifndef UTIL_H
#define UTIL_H
#include <stdint.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Prints "rerocctv: msg" to stderr; a trailing ':' in fmt appends
 * strerror(errno). */
void logmsg(const char *fmt, ...);
/* logmsg() then exit(1). Only for start-up. */
void die(const char *fmt, ...);

int64_t now_us(void);		/* CLOCK_REALTIME, µs */
int64_t mono_us(void);		/* CLOCK_MONOTONIC, µs */

#endif
