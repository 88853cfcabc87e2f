/* hub.c: frames between the threads: per camera (a hub), the newest frame
 * per rung and the rungs asked for; for every camera at once (the pool),
 * the encoder workers and the encode budget.
 *
 * Threads meet in three places: here (frames), in mailbox.c (requests
 * another thread answers: password checks, camera controls) and in
 * frame.c (kept frame blocks). Here one mutex, the pool's lock, guards
 * everything shared by every hub, with conditions on it (work_cv: a job
 * for the workers, each hub's done_cv: its job done); no other lock is
 * taken while it is held (a frame replaced is let go after unlocking).
 * Encoding runs outside it, so do the producers' frame preparation and
 * the workers' blocks. Each camera's source thread is its hub's producer:
 * it takes part in its own job, the workers in anyone's. The poll thread
 * is woken through each hub's pipe, one byte at a time (wake_pending
 * says a byte is in it). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "budget.h"
#include "camera.h"
#include "hub.h"
#include "jpeg.h"
#include "mjpeg.h"
#include "util.h"

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

/* Publishing: the newest frame replaces the old one, then wake the loop. */
static void publish(struct hub *h, struct frame *f, double enc_ms)
{
	struct frame *old;
	struct hub_rung_stats *rs;

	pthread_mutex_lock(h->lock);
	old = h->latest[f->rung];
	h->latest[f->rung] = f;
	rs = &h->st.rung[f->rung];
	/* Exponential mean over roughly the last 16 frames. */
	rs->enc_ms = rs->frames ? rs->enc_ms + (enc_ms - rs->enc_ms) / 16
		: enc_ms;
	rs->bytes = rs->frames ? rs->bytes + ((double)f->len - rs->bytes) / 16
		: (double)f->len;
	rs->frames++;
	pthread_mutex_unlock(h->lock);
	frame_unref(old);
	if (!__atomic_exchange_n(&h->wake_pending, 1, __ATOMIC_ACQ_REL)) {
		char b = 1;

		if (write(h->wake[1], &b, 1) < 0 && errno != EAGAIN)
			logmsg("hub: wake:");
	}
}

/* Encodes one rung straight into a new frame: the encoder writes the
 * JPEG, COM segment included, behind the frame header in the frame's
 * own block, so nothing is copied after it. */
static void encode_rung(struct hub *h, struct jpeg *jp, int rung,
			uint64_t seq, int64_t ts)
{
	const struct jpeg_in *in = &h->src[rung_scale(rung)];
	int w = in->yuv ? in->yuv->w : in->w, ht = in->yuv ? in->yuv->h : in->h;
	/* The encoder's own CPU time: what the rung costs, whatever else
	 * runs (a CPU quota's throttling would count in wall time). */
	int64_t t0 = thread_cpu_us();
	/* Without a camera JPEG, "source" is our best quality. */
	int q = rung == RUNG_SOURCE ? RUNG_QMAX : rung_q(rung);
	struct jpeg_out out = { .head = offsetof(struct frame, data),
				.hint = h->hint[rung] };
	char com[96];
	int n = frame_com(com, sizeof(com), q, w, ht, seq, ts);
	struct frame *f;

	if (n >= 0) {
		/* A kept block, or none: jpeg_encode() makes one. */
		f = frame_block(out.head + out.hint + out.hint / 8 + 4096);
		out.mem = f;
		out.cap = f ? f->cap : 0;
	}
	if (n < 0 || jpeg_encode(jp, in, h->subsamp, q, com, (size_t)n,
				 &out) != 0) {
		logmsg("%s: encode %s failed", h->name, rung_name(rung));
		return;
	}
	h->hint[rung] = out.len;
	f = out.mem;
	f->cap = out.cap;
	frame_init(f, rung, q, w, ht, seq, ts, out.len);
	publish(h, f, (double)(thread_cpu_us() - t0) / 1000.0);
}

/* Takes rungs of the current job until none is left. Called with the lock
 * held; returns with it held. */
static void work(struct hub *h, struct jpeg *jp)
{
	while (h->next < h->njob) {
		int rung = h->job[h->next++];
		uint64_t seq = h->job_seq;
		int64_t ts = h->job_ts;

		pthread_mutex_unlock(h->lock);
		encode_rung(h, jp, rung, seq, ts);
		pthread_mutex_lock(h->lock);
		if (++h->done == h->njob)
			pthread_cond_signal(&h->done_cv);
	}
}

/* A hub whose job has rungs no one has taken yet, or NULL. Lock held. */
static struct hub *offered(struct hub_pool *p)
{
	int i;

	for (i = 0; i < p->nhubs; i++)
		if (p->hubs[i]->next < p->hubs[i]->njob)
			return p->hubs[i];
	return NULL;
}

static void *worker_main(void *arg)
{
	struct hub_pool *p = arg;
	struct jpeg jp;
	struct hub *h;

	if (jpeg_init(&jp) != 0) {
		logmsg("hub: cannot start an encoder");
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		if ((h = offered(p)))
			work(h, &jp);
		else
			pthread_cond_wait(&p->work_cv, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	jpeg_fini(&jp);
	return NULL;
}

struct hub_pool *hub_pool_new(int workers, int max_rungs)
{
	struct hub_pool *p = calloc(1, sizeof(*p));
	int i;

	if (!p)
		return NULL;
	frames_start();
	p->workers = MAX(1, MIN(workers, MAX_WORKERS));
	budget_init(&p->bud, p->workers, max_rungs);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	/* The producers encode too: one worker fewer. */
	for (i = 0; i < p->workers - 1; i++) {
		if (pthread_create(&p->th[i], NULL, worker_main, p) != 0) {
			hub_pool_free(p);
			return NULL;
		}
		p->nth++;
	}
	return p;
}

void hub_pool_free(struct hub_pool *p)
{
	int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	while (p->nhubs)
		hub_free(p->hubs[p->nhubs - 1]);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->lock);
	frames_stop();
	free(p);
}

static void budget(struct hub_pool *p);

struct hub *hub_new(struct hub_pool *p, const char *name)
{
	struct hub *h;
	int i;

	if (p->nhubs == CAMERA_MAX || !(h = calloc(1, sizeof(*h))))
		return NULL;
	h->pool = p;
	h->lock = &p->lock;
	snprintf(h->name, sizeof(h->name), "%s", name);
	for (i = 0; i < RUNG_N; i++)
		h->serve_fixed[i] = h->serve_auto[i] = h->st.serve[i] = i;
	h->wake[0] = h->wake[1] = -1;
	pthread_cond_init(&h->done_cv, NULL);
	h->subsamp = TJSAMP_420;
	if (pipe(h->wake) != 0 || jpeg_init(&h->jp) != 0) {
		for (i = 0; i < 2; i++)
			if (h->wake[i] >= 0)
				close(h->wake[i]);
		pthread_cond_destroy(&h->done_cv);
		free(h);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fcntl(h->wake[i], F_SETFL, O_NONBLOCK);
		fcntl(h->wake[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_lock(&p->lock);
	p->hubs[p->nhubs++] = h;
	budget(p);
	pthread_mutex_unlock(&p->lock);
	return h;
}

void hub_free(struct hub *h)
{
	struct hub_pool *p;
	int i;

	if (!h)
		return;
	p = h->pool;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nhubs && p->hubs[i] != h; i++)
		;
	if (i < p->nhubs)
		memmove(&p->hubs[i], &p->hubs[i + 1],
			(size_t)(p->nhubs - i - 1) * sizeof(p->hubs[0]));
	p->nhubs -= i < p->nhubs;
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < RUNG_N; i++)
		frame_unref(h->latest[i]);
	for (i = 0; i < 2; i++)
		if (h->wake[i] >= 0)
			close(h->wake[i]);
	jpeg_fini(&h->jp);
	yuv_free(&h->full);
	for (i = 0; i < RUNG_SCALES - 1; i++)
		yuv_free(&h->small[i]);
	free(h->passbuf);
	pthread_cond_destroy(&h->done_cv);
	free(h);
}

/* The encode budget (budget.c) across every camera, with the lock held.
 * Costs are per second (a camera's rate times its cost per frame), so
 * cameras of other rates and sizes weigh what they cost; budget.c takes
 * them in rounds, camera by camera. */

/* The rungs asked for on every camera, as budget.c takes them; who[i]:
 * the hub of ask i. */
static int asks(const struct hub_pool *p, struct budget_ask *a, int *was,
		struct hub **who)
{
	int i, r, n = 0;

	for (i = 0; i < p->nhubs; i++) {
		struct hub *h = p->hubs[i];
		double enc[RUNG_N], fps = h->st.info.fps > 0 ? h->st.info.fps
							      : 30;

		for (r = 0; r < RUNG_N; r++)
			enc[r] = h->st.rung[r].frames ? h->st.rung[r].enc_ms
						      : 0;
		for (r = 0; r < RUNG_N; r++) {
			if (h->need[r] <= 0)
				continue;
			memset(&a[n], 0, sizeof(a[n]));
			a[n].rung = r;
			a[n].cam = i;
			a[n].asked_at = h->asked_at[r];
			a[n].cost_ms = fps * budget_cost(enc, r, fps,
							 h->src_mjpeg);
			a[n].on = h->active[r];
			was[n] = h->active[r];
			who[n++] = h;
		}
	}
	return n;
}

/* Decides which rungs are encoded, then which encoded rung serves each
 * asked one, on every camera. */
static void budget(struct hub_pool *p)
{
	struct budget_ask a[BUDGET_ASKS];
	struct hub *who[BUDGET_ASKS];
	int was[BUDGET_ASKS], r, i, n = asks(p, a, was, who), on, merged = 0;

	on = budget_plan(&p->bud, a, n, was);
	for (i = 0; i < p->nhubs; i++)
		memset(p->hubs[i]->active, 0, sizeof(p->hubs[i]->active));
	for (i = 0; i < n; i++)
		who[i]->active[a[i].rung] = a[i].on;
	for (i = 0; i < p->nhubs; i++) {
		struct hub *h = p->hubs[i];

		h->st.merged = 0;
		for (r = 0; r < RUNG_N; r++) {
			h->serve_fixed[r] = h->st.serve[r] =
				rung_nearest(h->active, r, 0);
			h->serve_auto[r] = rung_nearest(h->active, r, 1);
			h->st.rung[r].encoded = h->active[r];
			h->st.merged += h->need[r] > 0 && !h->active[r];
		}
		merged += h->st.merged;
		h->st.max_rungs = p->bud.max_rungs;
		h->st.budget_ms = p->bud.cap_ms;
		snprintf(h->st.budget_why, sizeof(h->st.budget_why), "%s",
			 p->bud.why);
	}
	if (merged != p->merged) {
		/* A line about every camera, whichever thread plans. */
		const char *tag = log_tag(NULL);

		if (p->bud.max_rungs)
			logmsg("encoder: %d rung%s encoded, %d more asked for "
			       "served by the nearest (--max-rungs %d)", on,
			       on == 1 ? "" : "s", merged, p->bud.max_rungs);
		else
			logmsg("encoder: %d rung%s encoded, %d more asked for "
			       "served by the nearest (CPU budget: %.0f ms of "
			       "encoding a second; %s)", on, on == 1 ? "" : "s",
			       merged, p->bud.cap_ms, p->bud.why);
		log_tag(tag);
	}
	p->merged = merged;
}

/* Once a second with --max-rungs auto: the budget's size from what the
 * last second saw on every camera that encodes: the one that kept the
 * least of its rate, and the busiest producer. A camera without signal
 * or without a costly rung is no gauge. Planned again if it changed. */
static void tune(struct hub_pool *p, int64_t now)
{
	struct budget_ask a[BUDGET_ASKS];
	struct hub *who[BUDGET_ASKS];
	int was[BUDGET_ASKS], i, n, any = 0;
	double ratio = 1, busy = 0, nominal = 30;

	if (now - p->tuned_at < 1000000)
		return;
	p->tuned_at = now;
	n = asks(p, a, was, who);
	for (i = 0; i < n; i++) {
		struct hub *h = who[i];
		double nom = h->st.info.fps, r;

		if (!a[i].on || a[i].cost_ms == 0 || !h->st.source_ok)
			continue;
		r = nom > 0 ? h->st.fps / nom : 1;
		if (!any || r < ratio) {
			ratio = r;
			nominal = nom;
		}
		busy = MAX(busy, h->st.busy);
		any = 1;
	}
	if (budget_tune(&p->bud, a, n, p->merged, ratio, busy, nominal, any))
		budget(p);
	for (i = 0; i < p->nhubs; i++) {
		snprintf(p->hubs[i]->st.budget_why,
			 sizeof(p->hubs[i]->st.budget_why), "%s", p->bud.why);
		p->hubs[i]->st.budget_ms = p->bud.cap_ms;
	}
}

/* Poll thread side */

void hub_need(struct hub *h, int rung, int delta)
{
	pthread_mutex_lock(h->lock);
	if (h->need[rung] <= 0 && h->need[rung] + delta > 0)
		h->asked_at[rung] = ++h->pool->ask_clock;
	h->need[rung] += delta;
	h->st.rung[rung].need = h->need[rung];
	budget(h->pool);
	pthread_mutex_unlock(h->lock);
}

void hub_map(struct hub *h, int fixed[RUNG_N], int autom[RUNG_N])
{
	pthread_mutex_lock(h->lock);
	memcpy(fixed, h->serve_fixed, sizeof(h->serve_fixed));
	memcpy(autom, h->serve_auto, sizeof(h->serve_auto));
	pthread_mutex_unlock(h->lock);
}

int hub_wake_fd(struct hub *h)
{
	return h->wake[0];
}

void hub_woken(struct hub *h)
{
	char buf[64];

	/* Drain first, then clear the flag. While the flag is set no
	 * producer writes, so nothing written after the drain can be lost;
	 * a frame published between the two is seen by the hub_latest()
	 * calls that follow. (Clearing first would let a producer's byte be
	 * drained here, leaving the flag set and the pipe empty: no wake
	 * ever again.) */
	while (read(h->wake[0], buf, sizeof(buf)) > 0)
		;
	__atomic_store_n(&h->wake_pending, 0, __ATOMIC_RELEASE);
}

struct frame *hub_latest(struct hub *h, int rung)
{
	struct frame *f;

	pthread_mutex_lock(h->lock);
	f = h->latest[rung] ? frame_ref(h->latest[rung]) : NULL;
	pthread_mutex_unlock(h->lock);
	return f;
}

uint64_t hub_seq(struct hub *h)
{
	uint64_t s;

	pthread_mutex_lock(h->lock);
	s = h->st.seq;
	pthread_mutex_unlock(h->lock);
	return s;
}

void hub_get_stats(struct hub *h, struct hub_stats *st)
{
	pthread_mutex_lock(h->lock);
	*st = h->st;
	pthread_mutex_unlock(h->lock);
	st->frames_alive = frames_alive();
}

/* Producer side */

void hub_set_source(struct hub *h, const struct source_info *info, int ok)
{
	pthread_mutex_lock(h->lock);
	if (info)
		h->st.info = *info;
	if (ok != h->st.source_ok)
		h->fps_t0 = 0;		/* a new source: a new first window */
	h->st.source_ok = ok;
	h->src_mjpeg = strcmp(h->st.info.format, "mjpeg") == 0;
	budget(h->pool);
	pthread_mutex_unlock(h->lock);
}

void hub_set_subsamp(struct hub *h, int subsamp)
{
	h->subsamp = subsamp;
}

void hub_add_dropped(struct hub *h, unsigned long n)
{
	pthread_mutex_lock(h->lock);
	h->st.dropped += n;
	pthread_mutex_unlock(h->lock);
}

/* Counts one image in and, with the lock held, decides what to encode:
 * fills h->job with the needed rungs (the source rung excluded; the job
 * is not offered to the workers yet) and returns their number; *pass
 * says whether the camera's JPEG is needed as it came. Rungs nobody
 * needs any more drop their last frame so it does not pin memory. */
static int plan(struct hub *h, const struct image *img, struct frame **drop,
		int *pass)
{
	int64_t t = mono_us();
	int r, n = 0;

	h->st.seq++;
	if (!h->fps_t0) {		/* the first frame: a window opens */
		h->fps_t0 = t;
		h->busy_us = 0;
	} else if (t - h->fps_t0 >= 1000000) {
		h->st.fps = h->fps_n * 1e6 / (double)(t - h->fps_t0);
		h->st.busy = (double)h->busy_us / (double)(t - h->fps_t0);
		h->busy_us = 0;
		h->fps_t0 = t;
		h->fps_n = 0;
		/* The set changes only with the budget (and the asks, in
		 * hub_need): costs measured anew do not reshuffle it. */
		if (!h->pool->bud.max_rungs)
			tune(h->pool, t);
	}
	h->fps_n++;
	*pass = 0;
	h->njob = h->next = h->done = 0;
	h->job_seq = h->st.seq;
	h->job_ts = img->ts_us;
	for (r = 0; r < RUNG_N; r++) {
		drop[r] = NULL;
		if (!h->active[r]) {
			drop[r] = h->latest[r];
			h->latest[r] = NULL;
		} else if (r == RUNG_SOURCE && img->fmt == IMG_MJPEG) {
			*pass = 1;
		} else {
			h->job[n++] = r;
		}
	}
	h->st.encoded += (uint64_t)n;
	return n;
}

/* The camera's own JPEG, Huffman tables added when it left them out. */
static void pass_through(struct hub *h, const struct image *img)
{
	const unsigned char *p = img->data;
	size_t len = img->len;
	struct frame *f;

	if (!mjpeg_has_dht(p, len)) {
		if (h->passcap < len + MJPEG_DHT_LEN) {
			free(h->passbuf);
			h->passcap = len + MJPEG_DHT_LEN;
			h->passbuf = malloc(h->passcap);
			if (!h->passbuf) {
				h->passcap = 0;
				return;
			}
		}
		len = mjpeg_add_dht(p, len, h->passbuf);
		p = h->passbuf;
	}
	f = frame_wrap(p, len, RUNG_SOURCE, 0, img->w, img->h, h->job_seq,
		      h->job_ts);
	if (f)
		publish(h, f, 0);
}

/* Gets img ready for the encoders in h->src[0], and the smaller planes
 * in h->src[1..] (each half the one before) as far as a job needs them.
 * A YUYV camera buffer goes to the encoders as it is (each splits it a
 * few rows at a time on the fly) unless a smaller rung needs whole planes
 * anyway; an MJPEG one is decoded to planes (TurboJPEG). */
static int prepare(struct hub *h, const struct image *img, int njob,
		   struct yuv *view)
{
	int i, scales = 1;

	for (i = 0; i < njob; i++)
		scales = MAX(scales, rung_scale(h->job[i]) + 1);
	memset(h->src, 0, sizeof(h->src));
	switch (img->fmt) {
	case IMG_YUV:
		memset(view, 0, sizeof(*view));
		for (i = 0; i < 3; i++) {
			view->p[i] = (unsigned char *)img->planes[i];
			view->stride[i] = img->strides[i];
		}
		view->w = img->w;
		view->h = img->h;
		view->subsamp = img->subsamp;
		h->src[0].yuv = view;
		break;
	case IMG_YUYV:
		if (scales == 1) {
			h->src[0].yuyv = img->data;
			h->src[0].stride = img->strides[0];
			h->src[0].w = img->w;
			h->src[0].h = img->h;
			break;
		}
		if (yuv_alloc(&h->full, img->w, img->h, h->subsamp) != 0)
			return -1;
		yuv_from_yuyv(&h->full, img->data, img->strides[0]);
		h->src[0].yuv = &h->full;
		break;
	case IMG_MJPEG:
		if (jpeg_decode(&h->jp, img->data, img->len, &h->full) != 0)
			return -1;
		h->src[0].yuv = &h->full;
		break;
	}
	for (i = 1; i < scales; i++) {
		if (yuv_half(h->src[i - 1].yuv, &h->small[i - 1]) != 0)
			return -1;
		h->src[i].yuv = &h->small[i - 1];
	}
	return 0;
}

static int put_image(struct hub *h, const struct image *img)
{
	struct frame *drop[RUNG_N];
	struct yuv view;
	int r, n, pass;

	pthread_mutex_lock(h->lock);
	n = plan(h, img, drop, &pass);
	pthread_mutex_unlock(h->lock);
	for (r = 0; r < RUNG_N; r++)
		frame_unref(drop[r]);
	if (pass)
		pass_through(h, img);
	if (n == 0)
		return 0;
	if (prepare(h, img, n, &view) != 0) {
		pthread_mutex_lock(h->lock);
		h->st.dropped++;
		pthread_mutex_unlock(h->lock);
		return -1;
	}
	/* Planes ready: offer the job to the workers and take part in it. */
	pthread_mutex_lock(h->lock);
	h->njob = n;
	pthread_cond_broadcast(&h->pool->work_cv);
	work(h, &h->jp);
	while (h->done < h->njob)
		pthread_cond_wait(&h->done_cv, h->lock);
	h->njob = h->next = h->done = 0;
	pthread_mutex_unlock(h->lock);
	return 0;
}

int hub_put_image(struct hub *h, const struct image *img)
{
	int64_t t0 = mono_us();
	int r;

	r = put_image(h, img);
	pthread_mutex_lock(h->lock);
	h->busy_us += mono_us() - t0;
	pthread_mutex_unlock(h->lock);
	return r;
}
