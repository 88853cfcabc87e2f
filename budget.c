/* budget.c: the encode budget.
 *
 * Plan: the rungs asked for, first asked first, while the budget allows.
 *
 * Tune (--max-rungs auto), once a second: is the source keeping its rate,
 * and do the encoders leave headroom? If not, encode less at once, in
 * proportion to the shortfall, and let the next second pass unjudged (it
 * still shows the old load); after calm seconds, try one more rung
 * (which, if it does not hold, alone goes again), and wait twice as long
 * after a try that failed (as adapt.c does with a step up): on a machine
 * between two budgets the choice settles on the lower one. A source that
 * is slow while the encoders idle (a camera lengthening its exposure) is
 * not our doing and shrinks nothing. Costs are CPU time, so they hold
 * under a quota's throttling. */
#include <stdio.h>
#include <string.h>

#include "budget.h"
#include "util.h"

enum {
	BACKOFF_MIN_S = 2, BACKOFF_MAX_S = 32,	/* between tries */
	PROBE_S = 3		/* a rung tried holds this long */
};

#define HEALTHY_FPS 0.95	/* the source rate to keep */
#define BUSY_MAX 0.8		/* the producer's share of the time */
#define DEEP_FALL 0.8		/* a source rate lower than this */
#define KEEP_OVER 1.1		/* an encoded rung keeps its place */

void budget_init(struct budget *b, int workers, int max_rungs)
{
	memset(b, 0, sizeof(*b));
	b->max_rungs = MAX(0, max_rungs);
	b->backoff = BACKOFF_MIN_S;
	b->cap_ms = MAX(1, workers) * 1000.0 * BUSY_MAX;
	snprintf(b->why, sizeof(b->why), "until measured: %d worker%s",
		 MAX(1, workers), workers == 1 ? "" : "s");
}

double budget_cost(const double *enc_ms, int rung, double fps, int src_free)
{
	double full = 0;
	int r;

	if (rung == RUNG_SOURCE && src_free)
		return 0;
	if (enc_ms[rung] > 0)
		return enc_ms[rung];
	for (r = 0; r < RUNG_N; r++)
		if (enc_ms[r] > 0 && !rung_scale(r))
			full = MAX(full, enc_ms[r]);
	if (full == 0)
		full = 100.0 / MAX(fps, 1);
	return full / (1 << 2 * rung_scale(rung));
}

/* Where ask i comes in budget_plan's order: its round (how many costly
 * rungs of its camera were asked before it) above when it was asked. */
static uint64_t order(const struct budget_ask *a, int n, int i)
{
	uint64_t round = 0;
	int k;

	for (k = 0; k < n; k++)
		round += a[k].cam == a[i].cam && a[k].cost_ms > 0 &&
			 a[k].asked_at < a[i].asked_at;
	return round << 40 | a[i].asked_at;
}

/* Does one more rung of cost c fit, on top of n rungs costing used? */
static int fits(const struct budget *b, int n, double used, double c,
		int was)
{
	if (c == 0)
		return 1;		/* passed through: free */
	if (b->max_rungs)
		return n < b->max_rungs;
	return n == 0 || used + c <= b->cap_ms * (was ? KEEP_OVER : 1);
}

int budget_plan(const struct budget *b, struct budget_ask *a, int n,
		const int *was)
{
	uint64_t key[BUDGET_ASKS];
	int i, k, on = 0, full = 0;
	double used = 0;

	n = MIN(n, BUDGET_ASKS);
	for (i = 0; i < n; i++) {
		a[i].on = -1;		/* not looked at yet */
		key[i] = order(a, n, i);
	}
	for (k = 0; k < n; k++) {
		int next = -1;

		for (i = 0; i < n; i++)
			if (a[i].on < 0 && (next < 0 || key[i] < key[next]))
				next = i;
		a[next].on = 0;
		/* A camera's first rung (round 0) is always taken. */
		if (a[next].cost_ms > 0 && key[next] >> 40 && (full ||
		    !fits(b, on, used, a[next].cost_ms, was[next]))) {
			full = 1;
			continue;
		}
		a[next].on = 1;
		on += a[next].cost_ms > 0;
		used += a[next].cost_ms;
	}
	return on;
}

int budget_tune(struct budget *b, const struct budget_ask *a, int n,
		int merged, double ratio, double busy, double nominal,
		int source_ok)
{
	double used = 0, next = 0, newest, cap;
	uint64_t key[BUDGET_ASKS];
	int i, first = -1, last = -1;

	n = MIN(n, BUDGET_ASKS);
	for (i = 0; i < n; i++)
		key[i] = order(a, n, i);
	for (i = 0; i < n; i++)
		if (a[i].on && a[i].cost_ms > 0) {
			used += a[i].cost_ms;
			if (last < 0 || key[i] > key[last])
				last = i;
		}
	/* Just under the set without its newest rung: what it costs. */
	newest = last < 0 ? 0 : a[last].cost_ms + 0.01;
	/* The rung to try next is the first asked of those left out:
	 * budget_plan() takes them in that order. */
	for (i = 0; i < n; i++)
		if (!a[i].on && a[i].cost_ms > 0 &&
		    (first < 0 || key[i] < key[first]))
			first = i;
	if (first >= 0)
		next = a[first].cost_ms;
	if (!source_ok || used == 0) {
		b->calm = 0;
		return 0;
	}
	if (b->settle) {
		b->settle = 0;
		return 0;
	}
	if (busy > BUSY_MAX || (ratio < HEALTHY_FPS && busy > BUSY_MAX / 2)) {
		/* A probe that fails takes back its own rung; a source that
		 * nearly kept its rate loses the newest rung; a deep fall
		 * shrinks in proportion. Busy is no gauge of how far over a
		 * quota we are (throttled, it reads 1), so one rung a judged
		 * second is the step unless frames were lost. */
		if (b->probing)
			cap = b->cap_before;
		else if (ratio >= DEEP_FALL)
			cap = used - newest;
		else
			cap = used * MIN(0.9, 0.9 * MIN(ratio, BUSY_MAX / busy));
		b->cap_ms = MIN(b->cap_ms, cap);
		if (ratio < HEALTHY_FPS)
			snprintf(b->why, sizeof(b->why), "the source fell to "
				 "%.0f of %.0f fps", ratio * nominal, nominal);
		else
			snprintf(b->why, sizeof(b->why), "the encoders were "
				 "busy %.0f%% of %.0f fps", busy * 100,
				 nominal);
		if (b->probing)
			b->backoff = MIN(b->backoff * 2, BACKOFF_MAX_S);
		b->probing = b->calm = 0;
		b->settle = 1;
		return 1;
	}
	if (b->probing && --b->probing == 0)	/* the rung tried holds */
		b->backoff = MAX(b->backoff / 2, BACKOFF_MIN_S);
	/* The reason stays current: what the last judged second saw. */
	snprintf(b->why, sizeof(b->why), "the source keeps %.0f of %.0f fps, "
		 "the encoders busy %.0f%%", ratio * nominal, nominal,
		 busy * 100);
	if (merged && ++b->calm >= b->backoff && next > 0) {
		b->cap_before = MAX(b->cap_ms, used);
		b->cap_ms = MAX(b->cap_ms, used + next);
		b->probing = PROBE_S;
		b->calm = 0;
		snprintf(b->why, sizeof(b->why), "trying one more rung "
			 "(%.1f ms)", next);
		return 1;
	}
	return 0;
}
