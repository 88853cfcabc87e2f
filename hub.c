/* hub.c: frames between the threads, per camera (a hub): the newest frame
 * per rung, the rungs asked for, the frame's encode job; what every
 * camera shares (the lock, the workers, the budget) is the pool
 * (pool.c).
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

#include "hub.h"
#include "jpeg.h"
#include "mjpeg.h"
#include "pool.h"
#include "util.h"

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
void hub_work(struct hub *h, struct jpeg *jp)
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

struct hub *hub_new(struct hub_pool *p, const char *name)
{
	struct hub *h;
	int i;

	if (pool_full(p) || !(h = calloc(1, sizeof(*h))))
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
	pool_add(p, h);
	return h;
}

void hub_free(struct hub *h)
{
	int i;

	if (!h)
		return;
	pool_remove(h->pool, h);
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

/* Poll thread side */

void hub_need(struct hub *h, int rung, int delta)
{
	pthread_mutex_lock(h->lock);
	if (h->need[rung] <= 0 && h->need[rung] + delta > 0)
		h->asked_at[rung] = ++h->pool->ask_clock;
	h->need[rung] += delta;
	h->st.rung[rung].need = h->need[rung];
	pool_plan(h->pool);
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
	pool_plan(h->pool);
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
			pool_tune(h->pool, t);
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
	hub_work(h, &h->jp);
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
