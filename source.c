/* source.c: the source thread. Grabs images from a source, hands them to
 * the hub, and turns camera trouble into a state: a NO SIGNAL card, a
 * retry every second, one log line per distinct cause. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

#include "ctrl_state.h"
#include "hub.h"
#include "jpeg.h"
#include "pattern.h"
#include "source.h"
#include "util.h"

enum {
	RETRY_US = 1000000,	/* reopen a missing source this often */
	STUCK_US = 3000000,	/* no frame this long: the source is lost */
	NOSIGNAL_US = 500000,	/* NO SIGNAL card rate: 2 fps */
	GRAB_MS = 250,		/* bound on one wait, so stop is prompt */
	NCAUSES = 8		/* distinct drop causes we log */
};

struct source_thread {
	struct source *src;
	struct hub *hub;
	struct controls *ctl;		/* camera controls: served here */
	const char *tag;		/* in front of its log lines */
	pthread_t th;
	int stop;		/* atomic */
	char last[160];		/* last trouble logged */
	char causes[NCAUSES][160];	/* why frames were dropped: logged */
	int ncauses;		/* NCAUSES + 1: more came, no longer logged */
	struct yuv card;
};

/* Logs msg unless it is the trouble we logged last. */
static void trouble(struct source_thread *t, const char *msg)
{
	if (strcmp(t->last, msg) == 0)
		return;
	snprintf(t->last, sizeof(t->last), "%s", msg);
	logmsg("%s: %s", t->src->info.name, msg);
}

/* Logs why a frame was dropped, once per distinct cause for the life of
 * the thread: a camera that sends one bad frame in five must not write
 * six lines a second, nor one whose bad frames all differ, so after
 * NCAUSES causes we say so once and stop. */
static void drop_cause(struct source_thread *t, const char *msg)
{
	int i;

	for (i = 0; i < MIN(t->ncauses, NCAUSES); i++)
		if (strcmp(t->causes[i], msg) == 0)
			return;
	if (t->ncauses == NCAUSES)
		logmsg("%s: frames dropped for more causes, not logged",
		       t->src->info.name);
	if (t->ncauses >= NCAUSES) {
		t->ncauses = NCAUSES + 1;	/* said so once */
		return;
	}
	snprintf(t->causes[t->ncauses++], sizeof(t->causes[0]), "%s", msg);
	logmsg("%s: %s", t->src->info.name, msg);
}

static void sleep_us(int64_t us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	nanosleep(&ts, NULL);
}

static void show_nosignal(struct source_thread *t)
{
	struct image img;
	int i, w = t->src->info.w > 0 ? t->src->info.w : 640;
	int h = t->src->info.h > 0 ? t->src->info.h : 480;

	/* The encoder takes either subsampling; 4:2:2 draws the text finer. */
	if (yuv_alloc(&t->card, w, h, TJSAMP_422) != 0)
		return;
	memset(&img, 0, sizeof(img));
	img.ts_us = now_us();
	pattern_nosignal(&t->card, img.ts_us, t->last);
	img.fmt = IMG_YUV;
	img.subsamp = t->card.subsamp;
	img.w = t->card.w;
	img.h = t->card.h;
	for (i = 0; i < 3; i++) {
		img.planes[i] = t->card.p[i];
		img.strides[i] = t->card.stride[i];
	}
	hub_put_image(t->hub, &img);
}

/* Waits for the next retry, showing NO SIGNAL meanwhile. */
static void wait_retry(struct source_thread *t)
{
	int64_t end = mono_us() + RETRY_US;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		int64_t left = end - mono_us();

		show_nosignal(t);
		if (left <= 0)
			break;
		sleep_us(MIN(left, NOSIGNAL_US));
	}
}

static void *source_main(void *arg)
{
	struct source_thread *t = arg;
	struct source *src = t->src;
	char msg[160];
	int open = 0;
	int64_t last_frame = 0;
	unsigned long dropped = src->dropped;

	log_tag(t->tag);
	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		struct image img;
		int r;

		if (!open) {
			msg[0] = 0;
			if (src->open(src, msg, sizeof(msg)) != 0) {
				trouble(t, msg[0] ? msg : "cannot open");
				hub_set_source(t->hub, &src->info, 0);
				src->close(src);
				controls_closed(t->ctl, src);
				wait_retry(t);
				continue;
			}
			open = 1;
			last_frame = mono_us();
			t->last[0] = 0;
			logmsg("%s: %s %dx%d at %d fps", src->info.name,
			       src->info.format, src->info.w, src->info.h,
			       src->info.fps);
			hub_set_source(t->hub, &src->info, 1);
			controls_opened(t->ctl, src);
		}
		/* Between frames: the camera's controls, if asked. */
		controls_serve(t->ctl, src);
		msg[0] = 0;
		r = src->grab(src, &img, GRAB_MS, msg, sizeof(msg));
		if (src->dropped != dropped) {
			hub_add_dropped(t->hub, src->dropped - dropped);
			dropped = src->dropped;
		}
		if (r == 1) {
			if (hub_put_image(t->hub, &img) != 0)
				drop_cause(t, "dropped a frame that does "
					   "not decode");
			src->release(src);
			last_frame = mono_us();
			continue;
		}
		if (r == 0 && msg[0])
			drop_cause(t, msg);
		if (r == 0 && mono_us() - last_frame < STUCK_US)
			continue;
		if (r == 0)
			snprintf(msg, sizeof(msg), "no frame for %d s",
				 STUCK_US / 1000000);
		trouble(t, msg[0] ? msg : "lost");
		src->close(src);
		controls_closed(t->ctl, src);
		open = 0;
		hub_set_source(t->hub, NULL, 0);
		wait_retry(t);
	}
	src->close(src);
	return NULL;
}

struct source_thread *source_start(struct source *src, struct hub *hub,
				   struct controls *ctl, const char *tag)
{
	struct source_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tag = tag;
	t->src = src;
	t->hub = hub;
	t->ctl = ctl;
	hub_set_source(hub, &src->info, 0);
	if (pthread_create(&t->th, NULL, source_main, t) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

void source_stop(struct source_thread *t)
{
	if (!t)
		return;
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	pthread_join(t->th, NULL);
	yuv_free(&t->card);
	free(t);
}
