/* util.c: the few helpers every module shares: logging, dying at start-up,
 * clocks. Logging is one line per call, safe from any thread. */
#ifndef UTIL_H
#define UTIL_H
#include <stddef.h>
#include <stdint.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Prints "rerocctv: msg" to stderr; a trailing ':' in fmt appends
 * strerror(errno). */
void logmsg(const char *fmt, ...);
/* What this thread's lines are about (a camera's name), put in front of
 * them; NULL: nothing. Returns the one before. */
const char *log_tag(const char *tag);
/* logmsg() then exit(1). Only for start-up. */
void die(const char *fmt, ...);

int64_t now_us(void);		/* CLOCK_REALTIME, µs */
/* Writes n bytes as 2n lower-case hex digits and a NUL. */
void hex_encode(const unsigned char *p, size_t n, char *out);
/* Reads 2n lower-case hex digits into n bytes. 0, or -1 on any other
 * character. */
int hex_decode(const char *s, size_t n, unsigned char *out);
/* "90", "30s", "15m", "24h", "7d" into seconds. 0 or -1. */
int parse_duration(const char *s, int64_t *secs);
/* Fills p with n bytes from the kernel's random source. 0 or -1. */
int random_bytes(void *p, size_t n);
int64_t mono_us(void);		/* CLOCK_MONOTONIC, µs */
/* The key limits count a numeric address by (an IPv4 address as
 * v4-mapped IPv6, an IPv6 address by its /64): from a socket address
 * (sa_key) or from text (addr_key: 0, or -1 if it is not an address). */
void sa_key(const void *sa, unsigned char key[16]);
int addr_key(const char *text, unsigned char key[16]);
int64_t thread_cpu_us(void);	/* this thread's CPU time, µs */

#endif
