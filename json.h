/* json.c: the only JSON clients send us: one flat object of strings,
 * numbers, true, false and null ({"quality":70}, {"user":"a",
 * "password":"b"}). Pure: no allocation; values are copied out. */
#ifndef JSON_H
#define JSON_H
#include <stddef.h>

enum { JSON_ABSENT = -1, JSON_BAD = -2, JSON_EACH_MAX = 64 };

/* Checks that s[0..n) is one flat object and copies the value of key into
 * out, NUL-terminated: a string unescaped (\uXXXX as UTF-8, surrogate
 * pairs joined; \u0000 refused), anything else as written. Returns its
 * length, JSON_ABSENT, or JSON_BAD (not a flat object, a bad escape, a
 * value that does not fit outsz - 1). *is_str (if not NULL) says whether
 * the value was a string. When key appears twice, the last one counts. */
int json_get(const char *s, size_t n, const char *key, char *out,
	     size_t outsz, int *is_str);
/* Checks that s[0..n) is one flat object whose values all fit in
 * JSON_EACH_MAX - 1 bytes, then calls fn for each pair in order: the key
 * (at most 63 bytes) and the value as json_get() gives them. Returns 0,
 * JSON_BAD (fn was not called), or the first nonzero fn returned (the
 * walk stops there). */
int json_each(const char *s, size_t n,
	      int (*fn)(void *arg, const char *key, const char *val,
			int is_str), void *arg);

#endif
