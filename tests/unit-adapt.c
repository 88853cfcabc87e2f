/* unit-adapt.c: adapt.c's decisions against scripted ticks and against a
 * simulated link: congestion moves down as far as the throughput says,
 * calm probes up no faster than the rule, a failed probe leaves a ceiling
 * whose wait doubles, a steady link gives a steady rung, and the send
 * buffer follows min RTT x path rate + 120 ms. */
#include <stdint.h>

#include "adapt.h"
#include "unit.h"

/* adapt.c's rule, as its top comment and the README state it. */
#define HEADROOM 0.85
#define GROW 2.5
#define BACKOFF_MIN 4
#define BACKOFF_MAX 32
#define QUEUE_S 0.12
#define SNDBUF_MIN 16384
#define SNDBUF_START 131072
#define FPS 30

/* Mean frame size of each ladder position at 1280x720 (the test pattern
 * as make bench-adapt measures it: h30 23 KB ... q80 128 KB, q95 290 KB). */
static const double sizes[] = {
	23e3, 29e3, 35e3, 44e3,			/* h30 h45 h60 h75 */
	52e3, 68e3, 86e3, 100e3, 128e3, 175e3, 290e3	/* q30 ... q95 */
};

/* What the path carries and what TCP says about it. */
struct link {
	double bps;		/* bits/s the bottleneck passes */
	double rate_bps;	/* TCP_INFO delivery rate (a token bucket's
				   bursts read above bps), 0 unknown */
	double min_rtt_ms;
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

/* The highest position whose bitrate fits in budget, else 0: what the
 * rule calls "carries the source frame rate". */
static int fits(double budget)
{
	int i, best = 0;

	for (i = 0; i < adapt_nladder; i++)
		if (need(i) <= budget)
			best = i;
	return best;
}

static int pos_of(int rung)
{
	int i;

	for (i = 0; i < adapt_nladder; i++)
		if (adapt_ladder[i] == rung)
			return i;
	return -1;
}

static int pos(const struct adapt *a)
{
	return pos_of(adapt_rung(a));
}

static void blank(struct adapt_obs *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->secs = 1;
	o->src_fps = FPS;
	o->rtt_ms = o->min_rtt_ms = 20;
	o->age_ms = 30;
	for (i = 0; i < adapt_nladder; i++)
		o->rung_bytes[adapt_ladder[i]] = sizes[i];
}

/* One hand-made tick at position i: frames sent, skipped. */
static void script(struct adapt_obs *o, int i, uint64_t frames,
		   uint64_t skipped)
{
	blank(o);
	o->frames = frames;
	o->skipped = skipped;
	o->bytes = frames * (uint64_t)sizes[i];
}

/* The tick a client on position i sees over link l: the source's frames
 * go out as fast as the link takes them, the rest are replaced before
 * they go out (latest frame wins). A saturated link adds the bounded
 * queue to the frames' age. */
static void observe(const struct link *l, int i, struct adapt_obs *o)
{
	uint64_t room = (uint64_t)(l->bps / (8 * sizes[i]));

	script(o, i, room < FPS ? room : FPS, room < FPS ? FPS - room : 0);
	o->delivery_bps = l->rate_bps;
	o->min_rtt_ms = l->min_rtt_ms;
	o->rtt_ms = l->min_rtt_ms + (o->skipped ? 120 : 0);
	o->age_ms = l->min_rtt_ms / 2 + 8 * sizes[i] / l->bps * 1000 +
		    (o->skipped ? 100 : 0);
}

/* n ticks over l from position start; out[t]: the position decided at
 * tick t (the one tick t + 1 runs on). */
static void run(const struct link *l, int start, int n, int *out)
{
	struct adapt a;
	struct adapt_obs o;
	int t;

	adapt_init(&a, adapt_ladder[start]);
	for (t = 0; t < n; t++) {
		observe(l, pos(&a), &o);
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

/* Lengths of the runs of ticks spent below position top between two
 * ticks at it: how long each probe to top waited. Returns how many. */
static int waits(const int *r, int n, int top, int *w)
{
	int t, k = 0, last = -1;

	for (t = 0; t < n; t++) {
		if (r[t] != top)
			continue;
		if (last >= 0 && t - last > 1)
			w[k++] = t - last - 1;
		last = t;
	}
	return k;
}

static void show(const char *what, const int *r, int n)
{
	int t;

	printf("# %s:", what);
	for (t = 0; t < n; t++)
		printf(" %d", r[t]);
	putchar('\n');
}

/* (1) Congestion moves down at once, at least one rung, as far as the
 * throughput says. */
static void test_congestion(void)
{
	struct adapt a;
	struct adapt_obs o;
	int q80 = 8;

	/* The boundary: under 90 % of the source with frames skipped. */
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, 27, 3);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), q80 + 1, "27 of 30 frames is calm: probe up");
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, 26, 4);
	o.bytes = 40000000 / 8;		/* the link carried q80 and more */
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), q80 - 1, "26 of 30 skipped: one down at least");
	CHECK_STR(a.why, "down: congested", "why");
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, 20, 0);
	adapt_tick(&a, &o);
	CHECK(pos(&a) > q80, "few frames but none skipped (a slow source) "
	      "is not congestion: %d", pos(&a));
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, 22, 3);
	o.src_fps = 25;			/* 22.5 is 90 %: half a frame */
	adapt_tick(&a, &o);
	CHECK(pos(&a) > q80, "22 of a 25 fps source is calm");
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, 21, 4);
	o.src_fps = 25;
	adapt_tick(&a, &o);
	CHECK(pos(&a) < q80, "21 of a 25 fps source: down (got %d)",
	      pos(&a));

	/* Old frames alone: every frame sent, but 300 ms old. */
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, FPS, 0);
	o.age_ms = 300;
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), q80 - 1, "frames older than 250 ms: down");
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, FPS, 0);
	o.age_ms = 200;
	adapt_tick(&a, &o);
	CHECK(pos(&a) > q80, "200 ms old frames are not congestion");

	/* Heavy congestion: as far down as the throughput says, at once. */
	adapt_init(&a, adapt_ladder[10]);
	script(&o, 10, 3, 27);		/* q95 on ~7 Mbit/s */
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), fits(3 * sizes[10] * 8 * HEADROOM),
		  "q95 at 3 fps: down to what 85 % of the throughput carries");
	CHECK(pos(&a) <= 3, "q95 at 3 fps: to half resolution at once "
	      "(got %d)", pos(&a));
	CHECK_NEAR(a.bw_bps, 3 * sizes[10] * 8, "estimate = throughput");
	adapt_init(&a, adapt_ladder[q80]);
	script(&o, q80, 12, 18);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), fits(12 * sizes[q80] * 8 * HEADROOM),
		  "q80 at 12 fps: several rungs down");
	CHECK(pos(&a) <= q80 - 3, "q80 at 12 fps: more than one rung");

	/* At the bottom it stays there. */
	adapt_init(&a, adapt_ladder[0]);
	script(&o, 0, 5, 25);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), 0, "h30 congested stays h30");

	/* On the simulated link: from q95 to the rung 4 Mbit/s and
	 * 20 Mbit/s carry in one tick. */
	{
		struct link slow = { 4e6, 4e6, 20 }, mid = { 20e6, 20e6, 20 };
		int r[1];

		run(&slow, 10, 1, r);
		CHECK_INT(r[0], 0, "q95 on 4 Mbit/s: h30 after one tick");
		run(&mid, 10, 1, r);
		CHECK_INT(r[0], fits((uint64_t)(20e6 / 8 / sizes[10]) *
				     sizes[10] * 8 * HEADROOM),
			  "q95 on 20 Mbit/s: one tick to the throughput's rung");
	}
}

/* (2) Calm probes up after a calm tick, never past what GROW times the
 * throughput carries; the estimate never exceeds GROW x throughput. */
static void test_calm(void)
{
	struct link fat = { 1e9, 1e9, 5 }, tbf = { 20e6, 1e9, 20 };
	struct adapt a;
	struct adapt_obs o;
	double thru;
	int t, p, want, bad = 0, over = 0, steps = 0;

	/* Calm with the delivery rate unknown: one rung per calm tick. */
	adapt_init(&a, adapt_ladder[4]);
	script(&o, 4, FPS, 0);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), 5, "calm, no delivery rate: one rung up");
	CHECK_STR(a.why, "up: probe", "why");
	CHECK_NEAR(a.bw_bps, need(4), "estimate = throughput");

	/* No move up on a congested tick, however high TCP's rate. */
	adapt_init(&a, adapt_ladder[4]);
	script(&o, 4, 20, 10);
	o.delivery_bps = 1e9;
	adapt_tick(&a, &o);
	CHECK(pos(&a) < 4, "congested: never up (got %d)", pos(&a));
	/* ... and the first calm tick after it probes up (HOLD_MIN 1). */
	p = pos(&a);
	script(&o, p, FPS, 0);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), p + 1, "first calm tick after a drop: probe");

	/* A delivery rate of 1 Gbit/s (a token bucket's bursts) counts
	 * for at most GROW times what went through. */
	adapt_init(&a, adapt_ladder[0]);
	for (t = 0; t < 20; t++) {
		p = pos(&a);
		observe(&fat, p, &o);
		thru = (double)o.bytes * 8;
		adapt_tick(&a, &o);
		want = fits(GROW * thru * HEADROOM);
		if (want <= p)
			want = p + 1;
		if (want >= adapt_nladder)
			want = adapt_nladder - 1;
		over += a.bw_bps > GROW * thru * 1.000001;
		bad += pos(&a) != want;
		steps += pos(&a) != p;
		if (pos(&a) == adapt_nladder - 1)
			break;
	}
	CHECK_INT(over, 0, "estimate above GROW x throughput");
	CHECK_INT(bad, 0, "calm steps other than max(rung + 1, "
		  "fit(GROW x throughput))");
	CHECK(steps >= 3, "a fat link is climbed in steps (%d)", steps);
	adapt_init(&a, adapt_ladder[0]);
	observe(&fat, 0, &o);
	adapt_tick(&a, &o);
	CHECK_NEAR(a.bw_bps, GROW * need(0), "estimate h30 on 1 Gbit/s");
	CHECK_INT(pos(&a), 3, "h30 -> h75 (q30 needs more than 2.5 x h30)");

	/* Behind a 20 Mbit/s token bucket whose bursts read 1 Gbit/s, the
	 * first step from h30 is bounded by what went through, not by TCP. */
	adapt_init(&a, adapt_ladder[0]);
	observe(&tbf, 0, &o);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), fits(GROW * need(0) * HEADROOM),
		  "h30 behind a tbf: one GROW step");
}

/* (3) A failed probe leaves a ceiling: the next probe to it waits
 * BACKOFF_MIN ticks, doubling up to BACKOFF_MAX. */
static void check_backoff(const char *what, const struct link *l, int x)
{
	int r[120], w[16], k, i, wait = BACKOFF_MIN, bad = 0, out = 0;

	run(l, x, 120, r);
	for (i = 0; i < 120; i++)
		out += r[i] > x + 1 || r[i] < x - 1;
	CHECK_INT(out, 0, "ticks away from the link's rungs");
	k = waits(r, 120, x + 1, w);
	CHECK(k >= 4, "%s: probes to the ceiling (%d)", what, k);
	for (i = 0; i < k; i++) {
		if (w[i] != wait) {
			printf("# wait %d: %d ticks, want %d\n", i, w[i], wait);
			bad++;
		}
		wait = wait * 2 < BACKOFF_MAX ? wait * 2 : BACKOFF_MAX;
	}
	if (bad || out)
		show(what, r, 120);
	CHECK_INT(bad, 0, "probe waits other than 4 8 16 32 32 ...");
}

static void test_ceiling(void)
{
	/* q80 carried, q90 not; the failed probe's throughput fits q80. */
	struct link q80 = { 37e6, 37e6, 20 };
	/* q60 carried, q70 not; the failed probe's throughput says q45, one
	 * under the rung the link carries. */
	struct link q60 = { 21e6, 21e6, 20 };
	struct adapt a;
	struct adapt_obs o;

	check_backoff("q80 / q90 link", &q80, 8);
	check_backoff("q60 / q70 link (falls to q45)", &q60, 6);

	/* The ceiling is named while it holds. */
	adapt_init(&a, adapt_ladder[8]);
	observe(&q80, 8, &o);
	adapt_tick(&a, &o);
	observe(&q80, 9, &o);
	adapt_tick(&a, &o);
	CHECK_INT(pos(&a), 8, "failed probe: back to q80");
	observe(&q80, 8, &o);
	adapt_tick(&a, &o);
	CHECK_STR(a.why, "hold: ceiling", "why under the ceiling");
}

/* (4) A link that carries position x but not x + 1 gives a steady rung:
 * after a warm-up, x nearly always, rare probes, no flip-flop. A failed
 * probe drops as far as its throughput says, which can be a rung or two
 * under x for a tick; never above x + 1. */
static void check_steady(double bps, int x)
{
	struct link l = { bps, bps, 20 };
	int r[100], t, at = 0, flips = 0, n, out = 0;
	char what[64];

	snprintf(what, sizeof(what), "%.2f Mbit/s (rung %d)", bps / 1e6, x);
	run(&l, adapt_nladder / 2, 100, r);
	for (t = 40; t < 100; t++) {
		at += r[t] == x;
		out += r[t] > x + 1 || r[t] < x - 2;
		flips += t >= 43 && r[t] == r[t - 2] && r[t - 1] == r[t - 3] &&
			 r[t] != r[t - 1];
	}
	n = changes(r, 40, 100);
	if (n > 8 || at < 52 || flips || out)
		show(what, r, 100);
	CHECK(n <= 8 && at >= 52 && !flips && !out, "%s: %d changes in "
	      "60 ticks, %d at the rung, %d flip-flops, %d far off", what, n,
	      at, flips, out);
}

static void test_steady(void)
{
	int x, r[60], t, low = 0;
	double lo, hi;
	struct link slow = { 3e6, 3e6, 20 }, top = { 200e6, 200e6, 20 };

	/* Every gap of the ladder: just carrying x, midway, and just
	 * short of carrying x + 1 at 90 % of the frames. */
	for (x = 0; x + 1 < adapt_nladder; x++) {
		lo = need(x);
		hi = (FPS * 9 / 10) * 8 * sizes[x + 1] - 1;
		check_steady(lo, x);
		check_steady((lo + hi) / 2, x);
		check_steady(hi, x);
	}
	/* Under the smallest rung and above the largest: pinned. */
	run(&slow, adapt_nladder / 2, 60, r);
	for (t = 1; t < 60; t++)
		low += r[t] != 0;
	CHECK_INT(low, 0, "3 Mbit/s: ticks off h30 after the first");
	run(&top, 0, 60, r);
	CHECK_INT(changes(r, 10, 60), 0, "200 Mbit/s: changes at q95");
	CHECK_INT(r[59], adapt_nladder - 1, "200 Mbit/s: q95");
}

/* (5) The send buffer holds min RTT x path rate + QUEUE_S, at least
 * SNDBUF_MIN; SNDBUF_START before the first tick. */
static void test_sndbuf(void)
{
	struct adapt a;
	struct adapt_obs o;

	adapt_init(&a, adapt_ladder[4]);
	CHECK_NEAR(a.sndbuf, SNDBUF_START, "before the first tick");

	/* Calm, 20 Mbit/s measured, 30 ms min RTT, bloated smoothed RTT. */
	script(&o, 4, FPS, 0);
	o.delivery_bps = 20e6;
	o.min_rtt_ms = 30;
	o.rtt_ms = 400;
	adapt_tick(&a, &o);
	CHECK_NEAR(a.bw_bps, 20e6, "calm estimate: the delivery rate");
	CHECK_NEAR(a.sndbuf, 20e6 / 8 * (0.030 + QUEUE_S),
		  "20 Mbit/s x (30 ms + 120 ms)");

	/* Congested: the throughput is the path rate. */
	script(&o, pos(&a), 10, 20);
	o.min_rtt_ms = 50;
	adapt_tick(&a, &o);
	CHECK_NEAR(a.sndbuf, (double)o.bytes * 8 / 8 * (0.050 + QUEUE_S),
		  "congested: throughput x (50 ms + 120 ms)");

	/* Min RTT unknown: the queue allowance alone. */
	adapt_init(&a, adapt_ladder[4]);
	script(&o, 4, FPS, 0);
	o.delivery_bps = 20e6;
	o.min_rtt_ms = 0;
	adapt_tick(&a, &o);
	CHECK_NEAR(a.sndbuf, 20e6 / 8 * QUEUE_S, "no min RTT: 120 ms");

	/* A slow link: the floor. */
	adapt_init(&a, adapt_ladder[0]);
	script(&o, 0, 1, 29);
	o.bytes = 40000;		/* 320 kbit/s */
	adapt_tick(&a, &o);
	CHECK_NEAR(a.sndbuf, SNDBUF_MIN, "320 kbit/s: the 16 KiB floor");
	CHECK(320e3 / 8 * (0.020 + QUEUE_S) < SNDBUF_MIN,
	      "(the bound itself is below the floor there)");

	/* On the simulated link, every tick. */
	{
		struct link l = { 12e6, 12e6, 40 };
		int t, bad = 0;

		adapt_init(&a, adapt_ladder[8]);
		for (t = 0; t < 30; t++) {
			double want;

			observe(&l, pos(&a), &o);
			adapt_tick(&a, &o);
			want = a.bw_bps / 8 * (0.040 + QUEUE_S);
			want = want > SNDBUF_MIN ? want : SNDBUF_MIN;
			bad += a.sndbuf < want * 0.999999 ||
			       a.sndbuf > want * 1.000001;
		}
		CHECK_INT(bad, 0, "ticks whose bound is not rate x (min RTT "
			  "+ 120 ms)");
	}
}

int main(void)
{
	CHECK_INT(adapt_nladder, (int)(sizeof(sizes) / sizeof(sizes[0])),
		  "ladder length");
	test_congestion();
	test_calm();
	test_ceiling();
	test_steady();
	test_sndbuf();
	return unit_done();
}
