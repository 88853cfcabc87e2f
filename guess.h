/* guess.c: password guessing, counted: each check charged to its address
 * (the limits key) and to its user from that address, answers slowed past
 * a free allowance, in a table of fixed size that keeps the worst
 * offenders. Poll thread only; the caller gives the time. */
#ifndef GUESS_H
#define GUESS_H
#include <stdint.h>

#include "account.h"
#include "auth.h"

enum {
	GUESS_N = 256			/* (address, user) pairs counted */
};

/* Failures from one address (its limits key), for one user name or, with
 * name "", for any. */
struct failure {
	unsigned char key[16];
	char name[ACCOUNT_NAME_MAX + 1];
	int count;			/* checks charged and not taken back */
	int inflight;			/* checks under way (name "") */
	int logged;			/* this burst has been logged */
	int64_t until, last;		/* monotonic µs */
};

struct guesses {
	struct failure fails[GUESS_N];
};

/* What became of a check that was charged: good, bad, or judged by
 * accounts since reloaded (it counts for nothing). */
enum guess_end { GUESS_GOOD, GUESS_BAD, GUESS_STALE };

/* When may from try user again: 0 now, else the time (µs). A full share
 * of the verifier is a short wait: a verdict coming back runs the
 * request again sooner. */
int64_t guess_slowed(struct guesses *g, const struct from *from,
		     const char *user, int64_t now);
/* Charges a check, as it is queued, to its address and to its user from
 * that address. */
void guess_charge(struct guesses *g, const struct from *from,
		  const char *user, int64_t now);
/* A check is back: a good one takes its charge back and clears its user's
 * count from that address; a bad one keeps it, logged once per burst
 * (naming the user if known); a stale one is not counted at all. */
void guess_settle(struct guesses *g, const struct from *from,
		  const char *user, int known, enum guess_end end,
		  int64_t now);

#endif
