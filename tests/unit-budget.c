/* unit-budget.c: budget.c with scripted costs and seconds: rungs are
 * taken first asked first and strictly so (a cheap late rung does not
 * slip in after one that did not fit), free rungs always; --max-rungs
 * counts rungs; an encoded rung keeps its place when its cost drifts a
 * little over; a source falling deeply shrinks the budget in proportion,
 * one falling a little loses the newest rung; calm seconds try one more
 * rung, a try that fails takes back just that rung and doubles the wait
 * before the next; unknown costs are guessed from the dearest full-size
 * rung measured. */
#include <string.h>

#include "budget.h"
#include "unit.h"

#define CHECK_NEAR(got, want, what) do { \
	double g_ = (got), w_ = (want); \
	CHECK(g_ - w_ < 1e-6 && w_ - g_ < 1e-6, "%s: got %.3f, want %.3f", \
	      what, g_, w_); \
} while (0)

static struct budget_ask ask(int rung, uint64_t at, double ms)
{
	struct budget_ask a;

	memset(&a, 0, sizeof(a));
	a.rung = rung;
	a.asked_at = at;
	a.cost_ms = ms;
	return a;
}

static int plan(struct budget *b, struct budget_ask *a, int n)
{
	int was[16], i;

	for (i = 0; i < n; i++)
		was[i] = a[i].on;
	return budget_plan(b, a, n, was);
}

static void test_order(void)
{
	struct budget b;
	struct budget_ask a[4];

	budget_init(&b, 1, 0);
	b.cap_ms = 10;
	a[0] = ask(rung_make(80, 0), 3, 6);
	a[1] = ask(rung_make(40, 0), 1, 5);
	a[2] = ask(rung_make(40, 1), 4, 1);	/* cheap, asked last */
	a[3] = ask(RUNG_SOURCE, 5, 0);		/* free */
	CHECK_INT(plan(&b, a, 4), 1, "one costly rung fits in 10 ms");
	CHECK(a[1].on && !a[0].on, "the first asked is taken, the next not");
	CHECK(!a[2].on, "a cheap later one does not slip in");
	CHECK(a[3].on, "the source rung, free, is always taken");

	budget_init(&b, 1, 2);
	CHECK_INT(b.max_rungs, 2, "--max-rungs 2");
	CHECK_INT(plan(&b, a, 4), 2, "two costly rungs, whatever they cost");
	CHECK(a[1].on && a[0].on && !a[2].on && a[3].on, "first asked first");
}

/* Rungs of three cameras: taken in rounds, each camera's first before
 * any camera's second; a camera's first even when nothing is left. */
static void test_cameras(void)
{
	struct budget b;
	struct budget_ask a[6];
	int i;

	budget_init(&b, 1, 0);
	b.cap_ms = 25;
	a[0] = ask(rung_make(80, 0), 1, 10);	/* camera 0: two rungs */
	a[1] = ask(rung_make(40, 0), 2, 10);
	a[2] = ask(rung_make(60, 0), 3, 10);	/* camera 1: two */
	a[3] = ask(rung_make(30, 0), 4, 10);
	a[4] = ask(rung_make(90, 0), 5, 10);	/* camera 2: one, last */
	a[5] = ask(RUNG_SOURCE, 6, 0);		/* camera 2's free one */
	a[0].cam = a[1].cam = 0;
	a[2].cam = a[3].cam = 1;
	a[4].cam = a[5].cam = 2;
	CHECK_INT(plan(&b, a, 6), 3, "every camera's first, nothing more "
		  "fits in 25");
	CHECK(a[0].on && a[2].on && a[4].on, "each camera's first rung");
	CHECK(!a[1].on && !a[3].on, "second rungs merged first");
	CHECK(a[5].on, "the free rung taken");
	b.cap_ms = 45;
	CHECK_INT(plan(&b, a, 6), 4, "room for one second rung");
	CHECK(a[1].on && !a[3].on, "the first asked of the second round");
	b.cap_ms = 1;
	CHECK_INT(plan(&b, a, 6), 3, "no camera loses its last rung");
	for (i = 0; i < 6; i++)
		CHECK(a[i].on == (i != 1 && i != 3), "ask %d", i);
	budget_init(&b, 1, 1);
	CHECK_INT(plan(&b, a, 6), 3, "--max-rungs 1: one per camera");
}

static void test_drift(void)
{
	struct budget b;
	struct budget_ask a[2];

	budget_init(&b, 1, 0);
	b.cap_ms = 10;
	a[0] = ask(0, 1, 5);
	a[1] = ask(3, 2, 5);
	plan(&b, a, 2);
	CHECK(a[0].on && a[1].on, "5 + 5 fit in 10");
	a[1].cost_ms = 5.9;
	plan(&b, a, 2);
	CHECK(a[1].on, "an encoded rung drifting a little over keeps its "
	      "place");
	a[1].on = 0;
	plan(&b, a, 2);
	CHECK(!a[1].on, "a new one that does not fit is not taken");
	a[1].on = 1;
	a[1].cost_ms = 6.5;
	plan(&b, a, 2);
	CHECK(!a[1].on, "more than a tenth over: it goes");
}

/* Seconds of a source at ratio of its rate with the producer busy. */
static int second(struct budget *b, struct budget_ask *a, int n,
		  double ratio, double busy)
{
	int i, merged = 0;

	for (i = 0; i < n; i++)
		merged += !a[i].on;
	if (budget_tune(b, a, n, merged, ratio, busy, 30, 1)) {
		plan(b, a, n);
		return 1;
	}
	return 0;
}

static void test_falls(void)
{
	struct budget b;
	struct budget_ask a[4];
	int i;

	budget_init(&b, 2, 0);
	for (i = 0; i < 4; i++)
		a[i] = ask(i, (uint64_t)i + 1, 10);
	b.cap_ms = 40;
	plan(&b, a, 4);
	CHECK(second(&b, a, 4, 0.5, 1.0), "a source at half its rate: "
	      "smaller");
	CHECK_NEAR(b.cap_ms, 40 * 0.9 * 0.5, "in proportion: 0.9 x 0.5 of "
		   "what was used");
	CHECK_STR(b.why, "the source fell to 15 of 30 fps", "why");
	CHECK(!second(&b, a, 4, 0.5, 1.0), "the next second passes "
	      "unjudged");

	budget_init(&b, 2, 0);
	b.cap_ms = 40;
	plan(&b, a, 4);
	second(&b, a, 4, 0.9, 0.9);
	CHECK_NEAR(b.cap_ms, 30 - 0.01, "a little short: the newest rung "
		   "goes");
	CHECK(a[0].on && a[1].on && a[2].on && !a[3].on, "the newest one");

	budget_init(&b, 2, 0);
	b.cap_ms = 40;
	plan(&b, a, 4);
	CHECK(!second(&b, a, 4, 0.5, 0.2), "slow while the encoders idle: "
	      "not our doing");
}

static void test_probe(void)
{
	struct budget b;
	struct budget_ask a[3];
	int s, tries[8], nt = 0, k;

	budget_init(&b, 1, 0);
	a[0] = ask(0, 1, 10);
	a[1] = ask(1, 2, 10);
	a[2] = ask(2, 3, 10);
	b.cap_ms = 20;
	plan(&b, a, 3);
	CHECK(a[0].on && a[1].on && !a[2].on, "two of three fit");
	/* A machine that carries two rungs: each try of the third fails. */
	for (s = 0; s < 400 && nt < 6; s++) {
		int was3 = a[2].on;

		second(&b, a, 3, 1, a[2].on ? 0.95 : 0.6);
		if (!was3 && a[2].on)
			tries[nt++] = s;
	}
	CHECK(nt >= 4, "tries keep coming (%d)", nt);
	for (k = 2; k < nt; k++)
		CHECK(tries[k] - tries[k - 1] >= tries[k - 1] - tries[k - 2],
		      "the wait between tries never shrinks (%d then %d s)",
		      tries[k - 1] - tries[k - 2], tries[k] - tries[k - 1]);
	CHECK(nt >= 4 && tries[nt - 1] - tries[nt - 2] >=
	      4 * (tries[1] - tries[0]) - 4, "it doubles: %d s, then %d s",
	      tries[1] - tries[0], tries[nt - 1] - tries[nt - 2]);
	CHECK(a[0].on && a[1].on, "a failed try takes back only its rung");
	/* A try that holds is kept. */
	budget_init(&b, 1, 0);
	b.cap_ms = 20;
	plan(&b, a, 3);
	for (s = 0; s < 20; s++)
		second(&b, a, 3, 1, 0.5);
	CHECK(a[2].on, "calm seconds: the third rung, tried, holds");
}

static void test_cost(void)
{
	double enc[RUNG_N];

	memset(enc, 0, sizeof(enc));
	CHECK_NEAR(budget_cost(enc, 0, 30, 0), 100.0 / 30,
		   "nothing known: a tenth of a frame interval");
	enc[rung_make(80, 0)] = 8;
	enc[rung_make(40, 0)] = 6;
	CHECK_NEAR(budget_cost(enc, rung_make(60, 0), 30, 0), 8,
		   "a full-size rung: the dearest measured");
	CHECK_NEAR(budget_cost(enc, rung_make(60, 1), 30, 0), 2,
		   "half size: a quarter");
	CHECK_NEAR(budget_cost(enc, rung_make(60, 2), 30, 0), 0.5,
		   "quarter size: a sixteenth");
	CHECK_NEAR(budget_cost(enc, rung_make(40, 0), 30, 0), 6,
		   "measured: as measured");
	CHECK_NEAR(budget_cost(enc, RUNG_SOURCE, 30, 1), 0,
		   "the camera's own JPEG: free");
	CHECK_NEAR(budget_cost(enc, RUNG_SOURCE, 30, 0), 8,
		   "the source rung encoded: a full-size rung");
}

int main(void)
{
	test_order();
	test_cameras();
	test_drift();
	test_falls();
	test_probe();
	test_cost();
	return unit_done();
}
