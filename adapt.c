/* adapt.c: server-side quality adaptation for one client. Pure: one
 * observation per tick in, a rung out.
 *
 * The rule: estimate the path rate, pick the highest rung whose bitrate
 * at the source frame rate fits in HEADROOM of it. Congestion (frames
 * replaced before they went out, or old frames) moves down at once, as
 * far as the measured throughput says. Calm lets it probe upward after a
 * hold; a probe that fails doubles the next hold, so the choice settles
 * instead of oscillating. */
#include <stdio.h>
#include <string.h>

#include "adapt.h"
#include "util.h"

#define HEADROOM 0.85		/* share of the path we plan to use */
#define CONGESTED_FPS 0.9	/* delivered below this share of source */
#define OLD_MS 250.0		/* frames older than this: congested */
#define HOLD_MIN 2		/* ticks of calm before probing up */
#define HOLD_MAX 16

/* Smallest frames first. Half-resolution rungs carry a slow link. */
const int adapt_ladder[] = {
	HUB_NQ + 0, HUB_NQ + 3, HUB_NQ + 6, HUB_NQ + 9,	/* h30 h45 h60 h75 */
	0, 3, 6, 8, 10, 12, 13				/* q30 q45 q60 q70
							   q80 q90 q95 */
};
const int adapt_nladder = LEN(adapt_ladder);

/* Typical frame size of each ladder rung relative to q30, for rungs we
 * have not seen encoded yet (measured on the test pattern; only a first
 * guess, replaced by real sizes as soon as the hub has them). */
static const double rel_size[] = {
	0.30, 0.40, 0.50, 0.65,
	1.00, 1.35, 1.70, 2.00, 2.45, 3.40, 4.60
};

/* Frame size of ladder position i, measured or estimated from a
 * measured neighbour. */
static double size_at(const struct adapt_obs *o, int i)
{
	int j;

	if (o->rung_bytes[adapt_ladder[i]] > 0)
		return o->rung_bytes[adapt_ladder[i]];
	for (j = 0; j < adapt_nladder; j++)
		if (o->rung_bytes[adapt_ladder[j]] > 0)
			return o->rung_bytes[adapt_ladder[j]] * rel_size[i] /
			       rel_size[j];
	return 0;
}

/* Highest ladder position whose bitrate fits the budget (bits/s). */
static int fit(const struct adapt_obs *o, double budget)
{
	int i, best = 0;
	double fps = o->src_fps > 0 ? o->src_fps : 30;

	for (i = 0; i < adapt_nladder; i++) {
		double need = size_at(o, i) * 8 * fps;

		if (need > 0 && need <= budget)
			best = i;
	}
	return best;
}

void adapt_init(struct adapt *a, int rung)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->idx = adapt_nladder / 2;
	for (i = 0; i < adapt_nladder; i++)
		if (adapt_ladder[i] == rung)
			a->idx = i;
	a->hold = HOLD_MIN;
	a->backoff = HOLD_MIN;
	snprintf(a->why, sizeof(a->why), "start");
}

int adapt_rung(const struct adapt *a)
{
	return adapt_ladder[a->idx];
}

int adapt_tick(struct adapt *a, const struct adapt_obs *o)
{
	double fps = o->src_fps > 0 ? o->src_fps : 30;
	double expected = fps * o->secs, thru;
	int congested, target;

	if (o->secs <= 0)
		return adapt_rung(a);
	thru = o->bytes * 8 / o->secs;
	congested = (o->frames + 0.5 < expected * CONGESTED_FPS &&
		     o->skipped > 0) || o->age_ms > OLD_MS;
	if (congested) {
		/* What got through is what the path carries now. */
		a->bw_bps = thru;
		target = fit(o, thru * HEADROOM);
		if (target >= a->idx)
			target = a->idx > 0 ? a->idx - 1 : 0;
		if (a->probing)
			a->backoff = MIN(a->backoff * 2, HOLD_MAX);
		a->probing = 0;
		a->calm = 0;
		a->hold = a->backoff;
		a->idx = target;
		snprintf(a->why, sizeof(a->why), "down: congested");
		return adapt_rung(a);
	}
	/* Calm: what we sent plus what TCP measured are lower bounds. */
	a->bw_bps = MAX(thru, o->delivery_bps);
	a->calm++;
	if (a->probing && a->calm >= 2) {
		a->probing = 0;		/* the probe held: trust it */
		a->backoff = MAX(HOLD_MIN, a->backoff / 2);
	}
	if (a->calm < a->hold || a->idx == adapt_nladder - 1) {
		snprintf(a->why, sizeof(a->why), "hold");
		return adapt_rung(a);
	}
	target = MAX(fit(o, a->bw_bps * HEADROOM), a->idx + 1);
	target = MIN(target, adapt_nladder - 1);
	a->idx = target;
	a->probing = 1;
	a->calm = 0;
	a->hold = HOLD_MIN;
	snprintf(a->why, sizeof(a->why), "up: probe");
	return adapt_rung(a);
}
