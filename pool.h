/* pool.h: the hub's insides, for hub.c and pool.c only: one camera's hub
 * (struct hub) and what every camera's hub shares (struct hub_pool: the
 * lock, the encoder workers, the encode budget). Everything else goes
 * through hub.h. */
#ifndef POOL_H
#define POOL_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "camera.h"
#include "frame.h"
#include "hub.h"
#include "jpeg.h"

enum { MAX_WORKERS = 16 };

/* What every camera shares. */
struct hub_pool {
	pthread_mutex_t lock;
	pthread_cond_t work_cv;		/* a hub has a job on offer */
	struct hub *hubs[CAMERA_MAX];
	int nhubs;
	/* The encode budget (budget.c) across every camera, in
	 * milliseconds of encoding per second. */
	struct budget bud;
	int workers;
	uint64_t ask_clock;
	int merged;			/* asked rungs served by another,
					   all cameras */
	int64_t tuned_at;		/* the budget's last second judged */
	int stop;
	pthread_t th[MAX_WORKERS];
	int nth;
};

struct hub {
	struct hub_pool *pool;
	pthread_mutex_t *lock;		/* the pool's */
	char name[40];			/* for the log */
	int need[RUNG_N];
	/* Which rungs are encoded, when each was first asked for, and
	 * which encoded rung serves each asked one. */
	int64_t busy_us;		/* producer time in hub_put_image,
					   this second */
	int active[RUNG_N];
	uint64_t asked_at[RUNG_N];
	int serve_fixed[RUNG_N], serve_auto[RUNG_N];
	int src_mjpeg;			/* the source rung is free */
	struct frame *latest[RUNG_N];
	struct hub_stats st;
	int64_t fps_t0;		/* start of the current one-second window */
	int fps_n;
	int wake[2];		/* pipe: producer -> poll loop */
	int wake_pending;	/* atomic: a byte is in the pipe */

	/* The current encode job, guarded by lock. */
	pthread_cond_t done_cv;
	struct jpeg_in src[RUNG_SCALES];	/* full size, half, quarter */
	int job[RUNG_N], njob, next, done;
	uint64_t job_seq;
	int64_t job_ts;

	int subsamp;			/* of every encoded frame */
	/* Each rung's last JPEG size, the next one's first guess: touched
	 * only by whoever encodes the rung, one frame after the other. */
	size_t hint[RUNG_N];

	/* Producer-only state. */
	struct jpeg jp;			/* the producer's own encoder */
	struct yuv full, small[RUNG_SCALES - 1];	/* half, quarter */
	unsigned char *passbuf;
	size_t passcap;
};

/* pool.c, with the lock held unless said. pool_full(): no room for one
 * more hub (no lock needed: hubs come and go on one thread, at start and
 * at the end). pool_add() and pool_remove() take the lock themselves;
 * a hub added is planned for at once. pool_plan(): which rungs of every
 * camera are encoded, and which serves each asked one. pool_tune(): once
 * a second (--max-rungs auto), the budget's size from what the second
 * saw on every camera; planned again if it changed. */
int pool_full(const struct hub_pool *p);
void pool_add(struct hub_pool *p, struct hub *h);
void pool_remove(struct hub_pool *p, struct hub *h);
void pool_plan(struct hub_pool *p);
void pool_tune(struct hub_pool *p, int64_t now);

/* hub.c: takes rungs of h's current job until none is left, encoding
 * each with jp and publishing it. Lock held; returns with it held. */
void hub_work(struct hub *h, struct jpeg *jp);

#endif
