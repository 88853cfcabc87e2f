/* adapt.c: server-side quality adaptation for one client. Pure: one
 * observation per tick in, a rung out.
 *
 * The rule, once a second: estimate the path rate and pick the highest
 * rung whose mean frame size carries the source frame rate in HEADROOM
 * of it.
 *
 * - Congestion (fewer than CONGESTED_FPS of the source's frames went out
 *   and some were replaced unsent, or frames were older than OLD_MS when
 *   they started out) moves down at once, at least one rung and as far
 *   as what actually got through says: throughput under congestion is
 *   the path rate.
 * - Calm probes one rung up (or further, if the estimate says so) after
 *   HOLD_MIN calm ticks. What went through is only a lower bound of the
 *   path rate when we are not filling it, so the estimate also takes
 *   TCP's delivery rate, but at most GROW times the throughput: behind a
 *   token bucket a frame's burst goes out at the bucket's line rate, and
 *   the delivery rate sampled over it overstates the path by far, which
 *   would jump us several rungs into a link that cannot carry them.
 * - A probe that fails marks its rung a ceiling, left alone BACKOFF_MIN
 *   ticks, doubling on each further failure up to BACKOFF_MAX, halving
 *   when a probe to the ceiling (or above it) holds: on a link between
 *   two rungs the choice settles on the lower one with a rare probe,
 *   instead of oscillating (each failed probe costs a second of old or
 *   skipped frames).
 * - The send buffer is bounded to what the path carries in its minimum
 *   RTT plus QUEUE_S (at least SNDBUF_MIN). Frame age is queueing delay,
 *   and behind a deep bottleneck queue (a tbf with 400 ms of latency, a
 *   modem's buffer) a loss-based congestion control fills that queue
 *   before it backs off: without the bound a frame waits behind the
 *   whole queue. With it, a frame that does not fit waits in the server,
 *   where a newer one replaces it (the client sees a lower frame rate,
 *   not older frames), and the congestion signal above comes from the
 *   server's own skips rather than from the network's losses. */
#include <stdio.h>
#include <string.h>

#include "adapt.h"
#include "util.h"

#define HEADROOM 0.85		/* share of the path we plan to use */
#define CONGESTED_FPS 0.9	/* delivered below this share of source */
#define OLD_MS 250.0		/* frames older than this: congested */
#define HOLD_MIN 1		/* ticks of calm before probing up */
#define BACKOFF_MIN 4		/* ticks a failed rung is left alone */
#define BACKOFF_MAX 32
#define GROW 2.5		/* most the estimate grows per tick */
#define QUEUE_S 0.12		/* queue we allow ourselves, seconds */
#define SNDBUF_MIN 16384
#define SNDBUF_START 131072

/* Smallest frames first. Half-resolution rungs carry a slow link. */
const int adapt_ladder[] = {
	RUNG_NQ + 0, RUNG_NQ + 3, RUNG_NQ + 6, RUNG_NQ + 9,	/* h30 h45 h60 h75 */
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
	a->backoff = BACKOFF_MIN;
	a->ceiling = -1;
	a->top = adapt_nladder - 1;
	/* Until the first tick has measured the path, hold no more than a
	 * few frames: a burst into an unknown link only fills its queue. */
	a->sndbuf = SNDBUF_START;
	snprintf(a->why, sizeof(a->why), "start");
}

int adapt_rung(const struct adapt *a)
{
	return adapt_ladder[a->idx];
}

void adapt_limit(struct adapt *a, int top)
{
	a->top = MAX(0, MIN(top, adapt_nladder - 1));
	if (a->idx > a->top) {
		a->idx = a->top;
		snprintf(a->why, sizeof(a->why), "down: view");
	}
}

int adapt_view_top(int w, int h, int sw, int sh)
{
	int i, top = adapt_nladder - 1;

	/* "About half": a view up to 55 % of the source's width and height
	 * loses nothing worth the bytes to a half-resolution rung. */
	if (w <= 0 || h <= 0 || sw <= 0 || sh <= 0 || w * 20 > sw * 11 ||
	    h * 20 > sh * 11)
		return top;
	for (i = 0; i < adapt_nladder; i++)
		if (adapt_ladder[i] >= RUNG_NQ &&
		    adapt_ladder[i] < RUNG_SOURCE)
			top = i;	/* the ladder's last half rung */
	return top;
}

/* The socket may hold what the path carries in its RTT plus QUEUE_S:
 * whatever TCP's congestion control would like, we never build a
 * longer queue than that, and a slow link skips frames instead. */
static void set_sndbuf(struct adapt *a, const struct adapt_obs *o)
{
	double rtt = o->min_rtt_ms > 0 ? o->min_rtt_ms / 1000 : 0;

	a->sndbuf = MAX(SNDBUF_MIN, a->bw_bps / 8 * (rtt + QUEUE_S));
}

int adapt_tick(struct adapt *a, const struct adapt_obs *o)
{
	double fps = o->src_fps > 0 ? o->src_fps : 30;
	double expected = fps * o->secs, thru, seen;
	int congested, target;

	if (o->secs <= 0)
		return adapt_rung(a);
	thru = o->bytes * 8 / o->secs;
	if (a->ceil_left > 0)
		a->ceil_left--;
	congested = (o->frames + 0.5 < expected * CONGESTED_FPS &&
		     o->skipped > 0) || o->age_ms > OLD_MS;
	if (congested) {
		/* What got through is what the path carries now. */
		a->bw_bps = thru;
		set_sndbuf(a, o);
		target = fit(o, thru * HEADROOM);
		if (target >= a->idx)
			target = a->idx > 0 ? a->idx - 1 : 0;
		if (a->probing) {
			/* The rung we tried is too much for a while. */
			a->ceiling = a->idx;
			a->ceil_left = a->backoff;
			a->backoff = MIN(a->backoff * 2, BACKOFF_MAX);
		}
		a->probing = 0;
		a->calm = 0;
		a->hold = HOLD_MIN;
		a->idx = target;
		snprintf(a->why, sizeof(a->why), "down: congested");
		return adapt_rung(a);
	}
	/* Calm: what we sent is a lower bound of the path rate. TCP's
	 * delivery rate, measured over a frame's burst, may see more, but
	 * a token bucket upstream inflates it: trust it up to GROW times
	 * what actually went through. */
	seen = MIN(o->delivery_bps, thru * GROW);
	a->bw_bps = MAX(thru, seen);
	set_sndbuf(a, o);
	a->calm++;
	if (a->probing && a->calm >= 2) {
		a->probing = 0;		/* the probe held: trust it */
		/* Only a rung at or above the failed one proves the
		 * failure past: a climb back under it (a failed probe's
		 * drop may go lower than the rung it left) proves nothing,
		 * and relaxing there would keep the wait from doubling. */
		if (a->idx >= a->ceiling) {
			a->backoff = MAX(BACKOFF_MIN, a->backoff / 2);
			a->ceiling = -1;
		}
	}
	target = MAX(fit(o, a->bw_bps * HEADROOM), a->idx + 1);
	if (a->ceil_left > 0 && target >= a->ceiling)
		target = a->ceiling - 1;
	target = MIN(target, a->top);
	if (a->calm < a->hold || target <= a->idx) {
		snprintf(a->why, sizeof(a->why), a->ceil_left > 0 &&
			 a->idx + 1 == a->ceiling ? "hold: ceiling" : "hold");
		return adapt_rung(a);
	}
	a->idx = target;
	a->probing = 1;
	a->calm = 0;
	a->hold = HOLD_MIN;
	snprintf(a->why, sizeof(a->why), "up: probe");
	return adapt_rung(a);
}
