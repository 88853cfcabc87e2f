/* guess.c: password guessing, counted per address and per address and
 * user; a free allowance, then answers slowed (1 s, doubling to a
 * minute); a quiet address starts over. It logs one line per burst. */
#include <stdio.h>
#include <string.h>

#include "guess.h"
#include "util.h"

enum {
	FREE_USER = 5,			/* checks for one user from one
					   address before answers slow down */
	FREE_ADDR = 10,			/* ... for any users from it */
	INFLIGHT_MAX = 4,		/* checks under way for one address */
	FAIL_MAX_S = 60,
	FAIL_FORGET_US = 900000000	/* a quiet address starts over */
};

static int64_t fail_delay_us(int count, int free)
{
	int over = count - free;

	if (over < 0)
		return 0;
	return (int64_t)MIN(1 << MIN(over, 6), FAIL_MAX_S) * 1000000;
}

/* The entry for (key, name), or NULL; with add, a new one in the place of
 * the least offender: the fewest failures, the quietest of those, never
 * one with checks under way. An attacker filling the table from many
 * addresses pushes out its own new entries before the worst ones. */
static struct failure *failure(struct guesses *g, const unsigned char key[16],
			       const char *name, int64_t now, int add)
{
	struct failure *f, *least = NULL;
	int i;

	for (i = 0; i < GUESS_N; i++) {
		f = &g->fails[i];
		if (f->last && memcmp(f->key, key, 16) == 0 &&
		    strcmp(f->name, name) == 0) {
			if (now - f->last > FAIL_FORGET_US && !f->inflight) {
				f->count = f->logged = 0;
				f->until = 0;
			}
			return f;
		}
		if (f->inflight)
			continue;
		if (!least || f->count < least->count ||
		    (f->count == least->count && f->last < least->last))
			least = f;
	}
	if (!add || !least)
		return NULL;
	memset(least, 0, sizeof(*least));
	memcpy(least->key, key, 16);
	snprintf(least->name, sizeof(least->name), "%s", name);
	least->last = now;
	return least;
}

static void fail_add(struct failure *f, int d, int free, int64_t now)
{
	if (!f)
		return;
	f->count = MAX(0, f->count + d);
	if (d > 0)
		f->last = now;
	f->until = f->count >= free ? f->last + fail_delay_us(f->count, free)
		: 0;
	if (f->count < free)
		f->logged = 0;
}

void guess_charge(struct guesses *g, const struct from *from,
		  const char *user, int64_t now)
{
	struct failure *any = failure(g, from->key, "", now, 1);
	struct failure *one = failure(g, from->key, user, now, 1);

	fail_add(any, +1, FREE_ADDR, now);
	fail_add(one, +1, FREE_USER, now);
	if (any)
		any->inflight++;
}

void guess_settle(struct guesses *g, const struct from *from,
		  const char *user, int known, enum guess_end end,
		  int64_t now)
{
	struct failure *any = failure(g, from->key, "", now, 0);
	struct failure *one = failure(g, from->key, user, now, 0);

	if (any && any->inflight > 0)
		any->inflight--;
	if (end != GUESS_BAD) {
		fail_add(any, -1, FREE_ADDR, now);
		if (end == GUESS_STALE)
			fail_add(one, -1, FREE_USER, now);
		else if (one)
			memset(one, 0, sizeof(*one));
		return;
	}
	if (one && one->count >= FREE_USER && !one->logged) {
		one->logged = 1;
		logmsg("%s: %d failed logins%s%s: answering it slowly (1 s, "
		       "doubling to %d s)", from->addr, one->count,
		       known ? " for " : "", known ? user : "", FAIL_MAX_S);
	} else if (any && any->count >= FREE_ADDR && !any->logged) {
		any->logged = 1;
		logmsg("%s: %d failed logins: answering it slowly (1 s, "
		       "doubling to %d s)", from->addr, any->count,
		       FAIL_MAX_S);
	}
}

int64_t guess_slowed(struct guesses *g, const struct from *from,
		     const char *user, int64_t now)
{
	struct failure *any = failure(g, from->key, "", now, 0);
	struct failure *one = failure(g, from->key, user, now, 0);
	int64_t t = 0;

	if (any && any->until > now)
		t = any->until;
	if (one && one->until > now && one->until > t)
		t = one->until;
	if (!t && any && any->inflight >= INFLIGHT_MAX)
		t = now + 1000000;
	return t;
}
