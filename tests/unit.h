/* unit.h: the few lines every C unit test shares. Each check prints one
 * TAP line; main() ends with `return unit_done();`. */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...) do { \
	unit_n++; \
	if (cond) { \
		printf("ok %d - ", unit_n); \
	} else { \
		unit_failed++; \
		printf("not ok %d - %s:%d: ", unit_n, __FILE__, __LINE__); \
	} \
	printf(__VA_ARGS__); \
	putchar('\n'); \
} while (0)

#define CHECK_INT(got, want, what) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	CHECK(g_ == w_, "%s: got %lld, want %lld", what, g_, w_); \
} while (0)

#define CHECK_STR(got, want, what) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK(g_ && strcmp(g_, w_) == 0, "%s: got \"%s\", want \"%s\"", \
	      what, g_ ? g_ : "(null)", w_); \
} while (0)

static int unit_done(void)
{
	printf("1..%d\n", unit_n);
	if (unit_failed)
		printf("# %d of %d failed\n", unit_failed, unit_n);
	return unit_failed != 0;
}
#endif
