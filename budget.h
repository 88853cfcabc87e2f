/* budget.c: the encode budget: which of the rungs asked for (on every
 * camera) are encoded, and, with --max-rungs auto, the budget's size in
 * milliseconds of encoding per second, tuned once a second so the
 * sources keep their rates. Pure: plain data in, decisions out; no locks, no clock
 * reads, no allocation. */
#ifndef BUDGET_H
#define BUDGET_H
#include <stdint.h>

#include "camera.h"
#include "ladder.h"

enum { BUDGET_ASKS = CAMERA_MAX * RUNG_N };	/* asks looked at, at most */

/* A rung somebody asks for. */
struct budget_ask {
	int rung;
	uint64_t asked_at;		/* when it was first asked: the order
					   rungs are taken in */
	double cost_ms;			/* encoding it, per second; 0: free
					   (the camera's own JPEG) */
	int cam;			/* the camera it is of */
	int on;				/* encoded: budget_plan() says, and
					   budget_tune() reads */
};

struct budget {
	int max_rungs;			/* N rungs at most; 0: the CPU budget */
	double cap_ms;			/* CPU: encoding per second that
					   fits */
	double cap_before;		/* ... before the rung being tried */
	int calm;			/* seconds the source has kept up */
	int backoff;			/* the seconds to wait before trying
					   one more rung */
	int probing;			/* seconds left to judge the try */
	int settle;			/* a second to pass unjudged */
	char why[64];			/* what set it last */
};

/* A budget of max_rungs rungs, or (0) of CPU: until measured, most of
 * workers' time. */
void budget_init(struct budget *b, int workers, int max_rungs);

/* What encoding rung costs per frame: measured (enc_ms[rung] > 0), or,
 * for a rung not measured yet, as much as the dearest full-size rung
 * measured (qualities cost about the same), a quarter of that per halving
 * of the size; a tenth of a frame interval at fps when nothing is known.
 * 0 for the source rung when it is free (the camera's own JPEG). */
double budget_cost(const double *enc_ms, int rung, double fps, int src_free);

/* Marks (on) which of the n asks are encoded, in rounds: each camera's
 * first costly rung asked (always taken: every camera watched is seen;
 * without the CPU for them, the sources slow), then each camera's
 * second, and so on, each round first asked first, while the budget
 * allows (max_rungs rungs, or cap_ms of encoding; a rung
 * encoded already keeps its place with a tenth over, costs drifting from
 * frame to frame). The order is strict: once a rung does not fit, no
 * later one that costs is taken, however cheap (it would be pushed out
 * again by the next estimate: churn). Free rungs are always taken. So
 * when the budget shrinks, rungs are merged camera by camera, and no
 * camera loses its last one.
 * was[i]: ask i was encoded before. Returns how many costly rungs are
 * on. */
int budget_plan(const struct budget *b, struct budget_ask *a, int n,
		const int *was);

/* Once a second, --max-rungs auto: the source kept ratio of its frame
 * rate (1: all of it), the producer was busy encoding that share of the
 * second, nominal is its frame rate, source_ok 0 while it shows NO
 * SIGNAL; a holds the asks as budget_plan() marked them, merged how many
 * asked rungs are served by another. Shrinks the budget when the source
 * falls behind or the encoders leave no headroom, tries one more rung
 * after calm seconds. Returns 1 when the budget changed (plan again). */
int budget_tune(struct budget *b, const struct budget_ask *a, int n,
		int merged, double ratio, double busy, double nominal,
		int source_ok);

#endif
