/* unit-adapt.c: adapt.c's decisions against scripted ticks and against a
 * simulated path: the estimate is the most a second of ticks saw (what
 * the path delivered, whether it held us back or not), a
 * single short tick is a gap and changes nothing, a tick without
 * acknowledgements changes nothing, a burst of them counts GROW times at
 * most; down when the path is smaller than the rung, up after HOLD calm
 * ticks (a rung, or LEAP times what went with no queue); a failed step
 * leaves a ceiling whose wait doubles up to 2 s; a steady path gives a
 * steady rung, a step down is followed within half a second, a step up
 * within seconds; the pacing is the estimate, its pipe and the budget; a
 * small view caps the rung at the scale that covers it. */
#include <stdint.h>
#include <string.h>

#include "adapt.h"
#include "unit.h"

/* adapt.c's rule, as its top comment states it. */
#define HEADROOM 0.85
#define BUDGET_S 0.08
#define QUEUE_S 0.1
#define GROW 1.25
#define HOLD 2
#define LEAP 1.6
#define BACKOFF_MIN 2
#define BACKOFF_MAX 16
#define WINDOW 4
#define FPS 30
#define TICK 0.25

/* Mean frame size of each ladder position at 1280x720 (the test pattern:
 * t30 9 KB ... h30 23 KB ... q80 128 KB, q95 280 KB). */
static const double sizes[] = {
	9e3, 10.5e3, 12.5e3, 15e3,		/* t30 t45 t60 t75 */
	23e3, 29e3, 35e3, 44e3,			/* h30 h45 h60 h75 */
	57e3, 70e3, 87e3, 95e3, 128e3, 180e3, 280e3	/* q30 ... q95 */
};

/* Doubles that should be equal up to rounding. */
#define CHECK_NEAR(got, want, what) do { \
	double g_ = (got), w_ = (want); \
	CHECK(g_ - w_ < 1e-6 * (w_ > 0 ? w_ : 1) + 1e-9 && \
	      w_ - g_ < 1e-6 * (w_ > 0 ? w_ : 1) + 1e-9, \
	      "%s: got %.1f, want %.1f", what, g_, w_); \
} while (0)

/* Bits/s ladder position i needs at the source rate. */
static double need(int i)
{
	return sizes[i] * 8 * FPS;
}

/* The highest position whose bitrate fits in budget, else 0. */
static int fits(double budget)
{
	int i, best = 0;

	for (i = 0; i < adapt_nladder; i++)
		if (need(i) <= budget)
			best = i;
	return best;
}

static int pos(const struct adapt *a)
{
	int i;

	for (i = 0; i < adapt_nladder; i++)
		if (adapt_ladder[i] == adapt_rung(a))
			return i;
	return -1;
}

static void blank(struct adapt_obs *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->secs = TICK;
	o->src_fps = FPS;
	o->rtt_ms = o->min_rtt_ms = 80;
	o->ack_ms = 5;
	for (i = 0; i < adapt_nladder; i++)
		o->rung_bytes[adapt_ladder[i]] = sizes[i];
}

/* A tick at position i on a path of bps: every frame if it fits, else
 * what the path carries, frames replaced and a queue the pacing holds. */
static void path(struct adapt_obs *o, int i, double bps, double delivery)
{
	double frames = FPS * TICK;

	blank(o);
	o->delivery_bps = delivery;
	if (need(i) <= bps) {
		o->frames = (uint64_t)frames;
		o->bytes = (uint64_t)(frames * sizes[i]);
		o->acked = (double)o->bytes;
		o->inflight = need(i) / 8 * 0.08;
		return;
	}
	o->frames = (uint64_t)(bps * TICK / 8 / sizes[i]);
	o->skipped = (uint64_t)frames - o->frames;
	o->bytes = (uint64_t)(bps * TICK / 8);
	o->acked = (double)o->bytes;
	o->held = TICK / 2;
	o->rtt_ms = 80 + 60;
	o->inflight = bps / 8 * 0.12;
}

/* Runs n ticks at rates[t] from position start; the positions in out. */
static void run(const double *rates, int n, int start, int *out)
{
	struct adapt a;
	struct adapt_obs o;
	int t;

	adapt_init(&a, adapt_ladder[start]);
	for (t = 0; t < n; t++) {
		path(&o, pos(&a), rates[t], 0);
		adapt_tick(&a, &o);
		out[t] = pos(&a);
	}
}

static int changes(const int *r, int from, int to)
{
	int t, n = 0;

	for (t = from + 1; t < to; t++)
		n += r[t] != r[t - 1];
	return n;
}

static void test_estimate(void)
{
	struct adapt a;
	struct adapt_obs o;
	double cap;
	int t, p0;

	adapt_init(&a, adapt_ladder[12]);
	CHECK_NEAR(adapt_pace(&a).rate, 0, "no pacing before a measure");
	path(&o, 12, 5e6, 0);
	adapt_tick(&a, &o);
	CHECK_NEAR(a.cap_bps, 5e6, "held back: what the path delivered");
	CHECK_STR(a.why, "down: path measured", "why");
	CHECK_INT(pos(&a), fits(5e6 * HEADROOM), "down to what fits");

	/* Room: at least what went. */
	adapt_init(&a, adapt_ladder[4]);
	path(&o, 4, 100e6, 0);
	adapt_tick(&a, &o);
	CHECK_NEAR(a.cap_bps, need(4), "room: what went");

	/* A gap: one tick that delivered little changes nothing. */
	adapt_init(&a, adapt_ladder[8]);
	path(&o, pos(&a), 20e6, 0);
	adapt_tick(&a, &o);
	p0 = pos(&a);
	cap = a.cap_bps;
	path(&o, p0, 20e6, 0);
	o.frames = 2;
	o.skipped = 5;
	o.acked = o.bytes = (uint64_t)(1e6 * TICK / 8);
	adapt_tick(&a, &o);
	CHECK_NEAR(a.cap_bps, cap, "a gap: the estimate stays");
	CHECK(pos(&a) == p0 && !strcmp(a.why, "hold: held back"),
	      "and so does the rung (%s)", a.why);
	/* A second of a smaller path brings it down. */
	for (t = 0; t < WINDOW; t++) {
		path(&o, pos(&a), 3e6, 0);
		adapt_tick(&a, &o);
	}
	CHECK_NEAR(a.cap_bps, 3e6, "a second of 3 Mbit/s: 3 Mbit/s");
	CHECK(pos(&a) <= fits(3e6), "and the rung follows (%d)", pos(&a));

	/* A tick without a word from the peer. */
	path(&o, pos(&a), 100e6, 0);
	o.ack_ms = 400;
	o.acked = 0;
	o.skipped = 7;
	o.frames = 0;
	adapt_tick(&a, &o);
	CHECK_NEAR(a.cap_bps, 3e6, "no acks: nothing changes");

	/* A queue longer than QUEUE_S holds back too. */
	adapt_init(&a, adapt_ladder[12]);
	path(&o, 12, 100e6, 0);
	adapt_tick(&a, &o);
	o.rtt_ms = 80 + QUEUE_S * 1000 + 20;
	adapt_tick(&a, &o);
	CHECK(a.limited, "a long queue holds back");

	/* After a silence, a burst of acks counts GROW x the estimate. */
	adapt_init(&a, adapt_ladder[8]);
	path(&o, 8, 2e6, 0);
	adapt_tick(&a, &o);
	path(&o, pos(&a), 2e6, 0);
	o.acked = 100e6 * TICK / 8;
	adapt_tick(&a, &o);
	CHECK_NEAR(a.cap_bps, GROW * 2e6, "a burst of acks: GROW x at most");
}

static void test_pace(void)
{
	struct adapt a;
	struct adapt_obs o;
	struct adapt_pace p;

	adapt_init(&a, -1);
	path(&o, pos(&a), 8e6, 0);
	o.min_rtt_ms = 50;
	adapt_tick(&a, &o);
	p = adapt_pace(&a);
	CHECK_NEAR(p.rate, a.cap_bps / 8, "rate: the estimate");
	CHECK_NEAR(p.pipe, a.cap_bps / 8 * 0.050, "pipe: rate x min RTT");
	CHECK_NEAR(p.budget, BUDGET_S, "budget");
}

static void test_calm(void)
{
	struct adapt a;
	struct adapt_obs o;
	int t, p0, ups = 0, bad = 0;

	/* A fat path, a queue of ours in it all along: a rung a step. */
	adapt_init(&a, adapt_ladder[4]);
	for (t = 0; t < 60; t++) {
		p0 = pos(&a);
		path(&o, p0, 1e9, 0);
		o.rtt_ms = 80 + QUEUE_S * 1000 / 2;
		adapt_tick(&a, &o);
		if (pos(&a) > p0) {
			ups++;
			bad += pos(&a) != p0 + 1;
		}
	}
	CHECK_INT(pos(&a), adapt_nladder - 1, "a fat path: the top");
	CHECK_INT(bad, 0, "with a queue, one rung a step");
	CHECK(ups == adapt_nladder - 1 - 4, "%d steps", ups);
	/* No queue at all: as far as LEAP x what went. */
	adapt_init(&a, adapt_ladder[4]);
	for (t = 0; t < HOLD; t++) {
		path(&o, pos(&a), 1e9, 0);
		adapt_tick(&a, &o);
	}
	CHECK_INT(pos(&a), fits(LEAP * need(4)), "no queue: LEAP x");
	CHECK_STR(a.why, "up", "why");
}

static void test_ceiling(void)
{
	/* 4.5 Mbit/s: t75 fits (3.6 needed), h30 (5.5) does not. */
	double rates[200];
	int r[200], t, waits[16], nw = 0, last = -1;

	for (t = 0; t < 200; t++)
		rates[t] = 4.5e6;
	run(rates, 200, 4, r);
	for (t = 20; t < 200; t++)
		if (r[t] > r[t - 1]) {
			if (last >= 0 && nw < 16)
				waits[nw++] = t - last;
			last = t;
		}
	CHECK(nw >= 3, "steps to h30 keep being tried (%d)", nw);
	CHECK(nw < 30, "but rarely (%d in 45 s)", nw);
	for (t = 1; t < nw; t++)
		if (waits[t] < waits[t - 1] && waits[t - 1] < BACKOFF_MAX + 4)
			break;
	CHECK(t == nw, "the waits between tries never shrink while they fail");
	for (t = 20, last = 0; t < 200; t++)
		last += r[t] == 3;
	CHECK(last >= 160, "on t75 most of the time (%d of 180)", last);
}

/* A path whose acknowledgements come in clumps: a tick that was held
 * back sees up to a fifth more than the path carries, so a second's most
 * errs high. A step up that is held back at once fails all the same: on
 * 40 Mbit/s (q80 fits, q90 does not) little time goes to q90. */
static void test_noisy_probe(void)
{
	static const double noise[] = { 1.2, 0.9, 1.1, 0.8 };
	struct adapt a;
	struct adapt_obs o;
	int t, above = 0, q80 = 12, q90 = 13;

	CHECK(need(q80) < 40e6 * HEADROOM && need(q90) > 40e6,
	      "q80 fits 40 Mbit/s, q90 does not");
	adapt_init(&a, adapt_ladder[q80]);
	for (t = 0; t < 400; t++) {
		path(&o, pos(&a), 40e6, 0);
		if (o.skipped)
			o.acked *= noise[t % 4];
		adapt_tick(&a, &o);
		above += t >= 40 && pos(&a) > q80;
	}
	CHECK(above < 36, "above q80 in %d of 360 ticks", above);
}

/* Whole frames land in the socket at once: a tick may write eight
 * frames where the path took seven. What went is no measure of the path;
 * what it acknowledged is. */
static void test_sent_is_not_carried(void)
{
	struct adapt a;
	struct adapt_obs o;
	int t;

	adapt_init(&a, adapt_ladder[12]);
	for (t = 0; t < 20; t++) {
		path(&o, pos(&a), 40e6, 0);
		o.acked = 30e6 * TICK / 8;
		o.bytes = (uint64_t)(o.acked * (t % 2 ? 1.3 : 0.7));
		adapt_tick(&a, &o);
	}
	CHECK(a.cap_bps < 30e6 * 1.01, "the estimate is what was "
	      "acknowledged, not what went: %.1f Mbit/s", a.cap_bps / 1e6);
}

static void test_steady(void)
{
	static const double rate[] = { 2e6, 5e6, 12e6, 30e6, 200e6 };
	double rates[120];
	int r[120], t, k, at;

	for (k = 0; k < (int)(sizeof(rate) / sizeof(rate[0])); k++) {
		for (t = 0; t < 120; t++)
			rates[t] = rate[k];
		run(rates, 120, 8, r);
		/* The highest rung the path carries at 90 % of the source
		 * rate or more (a calm tick), or one below. */
		for (t = 40, at = 0; t < 120; t++)
			at += r[t] == fits(rate[k] / 0.9) ||
			      r[t] == fits(rate[k] / 0.9) - 1;
		CHECK(at >= 70 && changes(r, 40, 120) <= 16,
		      "%.0f Mbit/s: %d of 80 ticks at the rung that fits or "
		      "one below, %d changes", rate[k] / 1e6, at,
		      changes(r, 40, 120));
	}
}

static void test_steps(void)
{
	double rates[120];
	int r[120], t;

	for (t = 0; t < 120; t++)
		rates[t] = t < 40 || t >= 60 ? 30e6 : 3e6;
	run(rates, 120, 8, r);
	CHECK(r[39] >= fits(30e6 * HEADROOM) - 1, "30 Mbit/s: q80 or near "
	      "(%d)", r[39]);
	CHECK(r[41] <= fits(3e6 * HEADROOM), "down to 3 Mbit/s in two ticks "
	      "(%d)", r[41]);
	for (t = 60; t < 120 && r[t] < fits(30e6 * HEADROOM) - 1; t++)
		;
	CHECK(t - 60 <= 40, "back up within 10 s (%d ticks)", t - 60);
}

static void test_view(void)
{
	struct adapt a;
	int top_h = 0, top_t = 0, i;

	for (i = 0; i < adapt_nladder; i++) {
		if (rung_scale(adapt_ladder[i]) >= 1)
			top_h = i;
		if (rung_scale(adapt_ladder[i]) >= 2)
			top_t = i;
	}
	CHECK_INT(adapt_view_top(1280, 720, 1280, 720), adapt_nladder - 1,
		  "a full-size view: the top");
	CHECK_INT(adapt_view_top(640, 360, 1280, 720), top_h,
		  "a half-size view: half size at most");
	CHECK_INT(adapt_view_top(700, 390, 1280, 720), top_h,
		  "a tenth more than half: still half");
	CHECK_INT(adapt_view_top(800, 450, 1280, 720), adapt_nladder - 1,
		  "more than that: the top");
	CHECK_INT(adapt_view_top(320, 180, 1280, 720), top_t,
		  "a quarter-size view: quarter size");
	CHECK_INT(adapt_view_top(0, 0, 1280, 720), adapt_nladder - 1,
		  "no view: the top");
	adapt_init(&a, adapt_ladder[adapt_nladder - 1]);
	adapt_limit(&a, top_h);
	CHECK_INT(pos(&a), top_h, "limited: down at once");
	CHECK_STR(a.why, "down: view", "why");
}

int main(void)
{
	int i, mono = 1;

	CHECK_INT(adapt_nladder, (int)(sizeof(sizes) / sizeof(sizes[0])),
		  "the ladder has the rungs this test knows");
	for (i = 1; i < adapt_nladder; i++)
		mono &= rung_size_key(adapt_ladder[i]) >
			rung_size_key(adapt_ladder[i - 1]);
	CHECK(mono, "the ladder goes from the smallest frames up");
	test_estimate();
	test_pace();
	test_calm();
	test_ceiling();
	test_noisy_probe();
	test_sent_is_not_carried();
	test_steady();
	test_steps();
	test_view();
	return unit_done();
}
