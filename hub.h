/* hub.c: where frames meet the threads: the source thread hands an image
 * in, the encoder workers turn it into every rung somebody asks for, and
 * the poll thread takes the newest frame (frame.h) of each rung. Also
 * how many clients ask for each rung, and which are encoded (budget.c
 * decides). */
#ifndef HUB_H
#define HUB_H
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "ladder.h"
#include "source.h"

struct hub_rung_stats {
	int need;		/* clients asking for this rung */
	int encoded;		/* in the encode budget: being encoded */
	double enc_ms;		/* mean encode time, recent frames */
	double bytes;		/* mean frame size, recent frames */
	uint64_t frames;	/* frames encoded */
};

struct hub_stats {
	struct source_info info;
	int source_ok;		/* 0 while showing NO SIGNAL */
	double fps;		/* images in per second, last second */
	uint64_t seq;		/* newest source frame number */
	uint64_t dropped;	/* corrupt source frames */
	uint64_t encoded;	/* encodes done, all rungs */
	long frames_alive;	/* frames not let go (frames_alive()) */
	int max_rungs;		/* the encode budget (every camera's);
				   0: auto (CPU) */
	double budget_ms;	/* auto: encoding per second that fits */
	char budget_why[64];	/* auto: what set it last */
	double busy;		/* share of the time spent encoding */
	int merged;		/* asked rungs served by another */
	int serve[RUNG_N];	/* the rung serving each asked rung */
	struct hub_rung_stats rung[RUNG_N];
};

struct hub;
struct hub_pool;

/* What the cameras' hubs share: workers - 1 encoder threads (each
 * camera's producer thread encodes too), and the encode budget: at most
 * max_rungs distinct rungs are encoded per source frame across the
 * cameras (the camera's own JPEG passed through is free; each watched
 * camera has one at least), or with max_rungs 0 as many as keep the
 * sources at their frame rates with headroom (measured each second: see
 * tune() in hub.c). NULL on failure. hub_pool_free() stops the workers
 * and frees the hubs left; their producers must have stopped. */
struct hub_pool *hub_pool_new(int workers, int max_rungs);
void hub_pool_free(struct hub_pool *p);
/* One camera's hub, named for the log; NULL on failure or when the pool
 * has CAMERA_MAX. hub_free(): its producer has stopped. */
struct hub *hub_new(struct hub_pool *p, const char *name);
void hub_free(struct hub *h);

/* Poll thread side. hub_need() counts the clients asking for a rung.
 * The hub encodes the rungs asked for, first asked first, while the
 * budget allows; a rung asked for beyond it is served by the nearest
 * rung being encoded, and gets its own again when the budget frees up.
 * hub_map() copies which rung serves each asked one: for fixed-quality
 * clients the nearest (ties: the better quality), for auto clients the
 * largest that is no larger than what they asked (else the smallest). */
void hub_need(struct hub *h, int rung, int delta);
void hub_map(struct hub *h, int serve_fixed[RUNG_N],
	     int serve_auto[RUNG_N]);
/* Read end of the wake pipe: readable when frames were published. */
int hub_wake_fd(struct hub *h);
/* Drains the wake pipe; call before hub_latest() on every wake. */
void hub_woken(struct hub *h);
/* Newest frame of a rung, as a new reference, or NULL. */
struct frame *hub_latest(struct hub *h, int rung);
uint64_t hub_seq(struct hub *h);
void hub_get_stats(struct hub *h, struct hub_stats *st);

/* Producer side (one thread). hub_put_image() encodes img at every rung
 * some client needs, in parallel on the workers, publishing each as it is
 * done; it returns when img is no longer read. -1 if img could not be
 * decoded (a corrupt camera JPEG), counted as dropped. */
int hub_put_image(struct hub *h, const struct image *img);
void hub_set_source(struct hub *h, const struct source_info *info, int ok);
/* The subsampling of every frame encoded from now on: TJSAMP_420 (the
 * default) or TJSAMP_422. Call before the source starts. */
void hub_set_subsamp(struct hub *h, int subsamp);
/* Counts frames the source itself dropped (corrupt camera JPEGs). */
void hub_add_dropped(struct hub *h, unsigned long n);

#endif
