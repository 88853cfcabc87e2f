/* adapt.c: what a stream's path carries, the pacing that keeps its frames
 * fresh on it, and an auto client's rung. Pure: an observation a tick (a
 * quarter second) in.
 *
 * The estimate. A tick in which the path held us back (frames replaced
 * unsent, or a queue longer than QUEUE_S in the path or in the socket)
 * measures it: what it delivered then (the bytes acknowledged) is what it
 * carries. A tick with room says only that it carries at least that.
 * The estimate is the most any of the last ADAPT_WINDOW ticks (a second)
 * saw: a gap of a few hundred milliseconds, common on a cellular link,
 * leaves it as it was; a path that carries less for a second brings it
 * down. A burst of acknowledgements after a silence is no faster path: a
 * tick counts GROW times the estimate at most. A tick without a single
 * acknowledgement (a phone's uplink goes silent for a second at a time)
 * changes nothing: the path may still deliver, we cannot tell.
 *
 * The pacing (conn.c carries it out, for every stream, fixed qualities
 * and MJPEG included): a frame starts only when the queue the socket
 * holds beyond the path's own pipe (estimate x minimum RTT), drained at
 * the estimate, and the frame itself would be through within BUDGET_S;
 * a frame larger than that starts once the queue is gone. So a frame that
 * starts is fresh on arrival, one that would not be waits in the server,
 * where a newer one replaces it, and the frame rate falls smoothly with
 * the path (to a frame every few seconds if need be) instead of frames
 * queueing behind each other: whatever TCP's congestion control would
 * like, the queue we build on the path stays about BUDGET_S long. The
 * budget is the trade between freshness and use of the path: frames in
 * flight when a cellular link pauses for 200-300 ms (several times a
 * minute on the recorded traces) arrive that much older, so the less in
 * flight, the fewer such frames, and the less of the link's bursts used.
 *
 * The rung (auto clients). The highest rung whose frames, at the source
 * rate, fit in HEADROOM of the estimate. Down when a tick held back and
 * the estimate, or the last two ticks if both held back, say the rung is
 * too big, or at once when a step up is held back (to the rung it left
 * if the path carries that calmly). Up after HOLD calm ticks in a row: one rung at
 * least, as far as the estimate says, and while the path holds no queue
 * of ours (the round trip at its least) to the rung that needs LEAP
 * times what went. A step up that fails within two ticks marks its rung
 * a ceiling, left alone BACKOFF_MIN ticks, doubling on each further
 * failure up to BACKOFF_MAX (4 s), halving when a step to it holds: a
 * path between two rungs settles on the lower one with a rare try, one
 * that opens up is climbed within a few seconds. Streams from the same
 * address share a path: while one of them is held back, none climbs past
 * its fair part of what they carry together, and one above it comes down
 * to it. */
#include <stdio.h>
#include <string.h>

#include "adapt.h"
#include "util.h"

#define HEADROOM 0.85		/* share of the estimate the rung uses */
#define BUDGET_S 0.08		/* a frame's time in the queue, its own
				   sending included */
#define QUEUE_S 0.1		/* a queue this long: the path held us
				   back */
#define GROW 1.25		/* most the estimate grows per tick */
#define SATURATED 0.9		/* fewer frames sent than this share of
				   the source's, some replaced: held back */
#define HOLD 2			/* calm ticks before a step up */
#define BACKOFF_MIN 2		/* ticks a failed rung is left alone */
#define BACKOFF_MAX 16
#define LEAP 1.6		/* a step up with an empty queue: to the
				   rung that needs this times what goes */

/* Smallest frames first: quarter size, half size, then full size. */
const int adapt_ladder[] = {
	2 * RUNG_NQ + 0, 2 * RUNG_NQ + 3, 2 * RUNG_NQ + 6,	/* t30 t45 t60 */
	2 * RUNG_NQ + 9,					/* t75 */
	RUNG_NQ + 0, RUNG_NQ + 3, RUNG_NQ + 6, RUNG_NQ + 9,	/* h30 ... h75 */
	0, 3, 6, 8, 10, 12, 13					/* q30 q45 q60
								   q70 q80 q90
								   q95 */
};
const int adapt_nladder = LEN(adapt_ladder);

/* Typical frame size of each ladder rung relative to q30, for rungs not
 * encoded yet (the test pattern's; only a first guess, replaced by real
 * sizes as soon as the hub has them). */
static const double rel_size[] = {
	0.16, 0.19, 0.22, 0.27,
	0.40, 0.50, 0.60, 0.78,
	1.00, 1.24, 1.53, 1.68, 2.28, 3.20, 4.97
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
	a->backoff = BACKOFF_MIN;
	a->ceiling = -1;
	a->top = adapt_nladder - 1;
	snprintf(a->why, sizeof(a->why), "start");
}

void adapt_start(struct adapt *a, int rung)
{
	struct adapt path = *a;

	adapt_init(a, rung);
	a->cap_bps = path.cap_bps;
	a->min_rtt_ms = path.min_rtt_ms;
	a->top = path.top;
	a->idx = MIN(a->idx, a->top);
}

int adapt_rung(const struct adapt *a)
{
	return adapt_ladder[a->idx];
}

struct adapt_pace adapt_pace(const struct adapt *a)
{
	struct adapt_pace p = { 0, 0, BUDGET_S };

	if (a->cap_bps > 0) {
		p.rate = a->cap_bps / 8;
		p.pipe = p.rate * a->min_rtt_ms / 1000;
	}
	return p;
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
	int i, s, top = adapt_nladder - 1;

	if (w <= 0 || h <= 0 || sw <= 0 || sh <= 0)
		return top;
	/* The smallest scale whose pictures are at least about the view:
	 * one blown up by a tenth loses nothing worth the bytes. */
	for (s = RUNG_SCALES - 1; s > 0; s--)
		if (w * 10 <= (sw >> s) * 11 && h * 10 <= (sh >> s) * 11)
			break;
	if (s == 0)
		return top;
	for (i = 0; i < adapt_nladder; i++)
		if (rung_scale(adapt_ladder[i]) >= s)
			top = i;	/* the last rung of that scale or less */
	return top;
}

/* The estimate from one tick; returns whether the path was measured. */
static int estimate(struct adapt *a, const struct adapt_obs *o)
{
	double fps = o->src_fps > 0 ? o->src_fps : 30;
	double acked = o->acked * 8 / o->secs;
	double s;
	int i;

	if (o->min_rtt_ms > 0)
		a->min_rtt_ms = o->min_rtt_ms;
	/* Held back: frames replaced unsent, or frames sent into a queue
	 * longer than the pacing allows (the estimate was too high): in
	 * the path (the round trip grew) or in the socket (what it holds
	 * beyond the pipe; a queue TCP has not sent yet is no round
	 * trip's). */
	a->limited = (o->frames + 0.5 < fps * o->secs * SATURATED &&
		      o->skipped > 0) || (a->min_rtt_ms > 0 &&
		      o->rtt_ms - a->min_rtt_ms > QUEUE_S * 1000) ||
		     (a->cap_bps > 0 && o->queued - a->cap_bps / 8 *
		      a->min_rtt_ms / 1000 > a->cap_bps / 8 * QUEUE_S);
	if (o->ack_ms > o->secs * 1000 && a->cap_bps > 0)
		return 0;		/* not a word from the peer */
	/* Held back, what the path delivered is what it carries; with
	 * room, a lower bound. What went into the socket is neither: whole
	 * frames land there at once, eight of them in a tick that took
	 * seven. A burst of acknowledgements after a silence is no faster
	 * path: GROW x at most. */
	s = acked;
	if (a->cap_bps > 0)
		s = MIN(s, GROW * a->cap_bps);
	memmove(a->seen + 1, a->seen, sizeof(a->seen) - sizeof(a->seen[0]));
	memmove(a->lim + 1, a->lim, sizeof(a->lim) - sizeof(a->lim[0]));
	a->seen[0] = s;
	a->lim[0] = a->limited;
	a->nseen = MIN(a->nseen + 1, ADAPT_WINDOW);
	/* The most any recent tick saw: a gap of a few hundred ms (a
	 * cellular link's, common) leaves it as it was, a path that
	 * carries less for a second brings it down. */
	for (i = 0, a->cap_bps = 0; i < a->nseen; i++)
		a->cap_bps = MAX(a->cap_bps, a->seen[i]);
	return a->limited;
}

int adapt_tick(struct adapt *a, const struct adapt_obs *o)
{
	double fps = o->src_fps > 0 ? o->src_fps : 30, recent;
	int target, held;

	if (o->secs <= 0)
		return adapt_rung(a);
	if (a->ceil_left > 0)
		a->ceil_left--;
	held = estimate(a, o);
	/* Down when a tick held back and the path is smaller than the rung
	 * needs: the estimate (a second's most) says so, or two ticks in a
	 * row held back and saw less. A single tick is a gap, not a path;
	 * but a step up that is held back at once has failed, whatever the
	 * estimate (a second's most errs high) says. */
	target = fit(o, a->cap_bps * HEADROOM);
	recent = a->nseen >= 2 && a->lim[1] ? MAX(a->seen[0], a->seen[1]) :
		 a->cap_bps;
	if (held && (a->probing ||
		     size_at(o, a->idx) * 8 * fps > MIN(a->cap_bps, recent))) {
		target = MIN(target, fit(o, MIN(a->cap_bps, recent) *
					 HEADROOM));
		/* After a failed step up, back to the rung it left if the
		 * path carries that calmly. */
		if (a->probing) {
			target = MAX(target, MIN(fit(o, a->cap_bps /
						     SATURATED), a->idx - 1));
			a->ceiling = a->idx;
			a->ceil_left = a->backoff;
			a->backoff = MIN(a->backoff * 2, BACKOFF_MAX);
		}
		a->probing = 0;
		a->calm = 0;
		a->idx = MAX(0, MIN(target, a->top));
		snprintf(a->why, sizeof(a->why), "down: path measured");
		return adapt_rung(a);
	}
	if (held) {
		a->calm = 0;
		snprintf(a->why, sizeof(a->why), "hold: held back");
		return adapt_rung(a);
	}
	/* Sharing a full path: more than a fair part comes down to it. */
	if (o->share_bps > 0 && o->others_held &&
	    size_at(o, a->idx) * 8 * fps > o->share_bps) {
		a->calm = 0;
		a->probing = 0;
		a->idx = MAX(0, MIN(fit(o, o->share_bps * HEADROOM), a->idx));
		snprintf(a->why, sizeof(a->why), "down: sharing");
		return adapt_rung(a);
	}
	a->calm++;
	if (a->probing && a->calm >= 2) {
		a->probing = 0;		/* the step up held */
		if (a->idx >= a->ceiling) {
			a->backoff = MAX(BACKOFF_MIN, a->backoff / 2);
			a->ceiling = -1;
		}
	}
	/* Calm long enough: at least one rung up, the estimate being no
	 * more than a lower bound while every frame goes; further while
	 * the path holds no queue of ours at all (the round trip is its
	 * least), to the rung that needs LEAP times what goes. */
	if (a->calm >= HOLD) {
		target = MAX(target, a->idx + 1);
		if (a->min_rtt_ms > 0 && o->rtt_ms - a->min_rtt_ms <
		    QUEUE_S * 1000 / 4)
			target = MAX(target, fit(o, LEAP * o->bytes * 8 /
						 o->secs));
	}
	if (a->ceil_left > 0 && target >= a->ceiling)
		target = a->ceiling - 1;
	if (o->share_bps > 0 && o->others_held)
		target = MIN(target, MAX(a->idx, fit(o, o->share_bps)));
	target = MIN(target, a->top);
	if (a->calm < HOLD || target <= a->idx) {
		snprintf(a->why, sizeof(a->why), a->ceil_left > 0 &&
			 a->idx + 1 == a->ceiling ? "hold: ceiling" : "hold");
		return adapt_rung(a);
	}
	a->idx = target;
	a->probing = 1;
	a->calm = 0;
	snprintf(a->why, sizeof(a->why), "up");
	return adapt_rung(a);
}
