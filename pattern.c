/* pattern.c: the moving test pattern source and the "NO SIGNAL" card.
 * The pattern has real detail (gradients, edges, rings, a little noise, a
 * running clock) so its JPEGs weigh what a camera's do, yet it costs
 * little per frame: the background is drawn once, twice as wide as the
 * picture, and scrolling is only a window moving over it (the planes
 * handed out point into it, so no pixel is copied); only the moving box
 * and the text are drawn each frame, and what the box covered is put
 * back on release. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

#include "pattern.h"
#include "source.h"
#include "util.h"

/* A 5x7 font: one byte per row, bit 4 the leftmost pixel. */
static const char glyph_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:-./=";
static const unsigned char glyphs[][7] = {
	{0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},
	{0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
	{0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},
	{0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},
	{0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},
	{0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
	{0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},
	{0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
	{0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},
	{0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},
	{0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},	/* A */
	{0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E},
	{0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E},
	{0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C},
	{0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F},
	{0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10},
	{0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F},
	{0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},
	{0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E},
	{0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C},
	{0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},
	{0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F},
	{0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11},
	{0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11},
	{0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},
	{0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10},
	{0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D},
	{0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11},
	{0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E},
	{0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},
	{0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},
	{0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04},
	{0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A},
	{0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11},
	{0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04},
	{0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F},	/* Z */
	{0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00},	/* : */
	{0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00},	/* - */
	{0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C},	/* . */
	{0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10},	/* / */
	{0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00},	/* = */
};

/* The chroma rectangle {x0, x1, y0, y1} behind luma columns x0..x1-1
 * and rows y0..y1-1, for y's subsampling (4:2:0 or 4:2:2; an odd last
 * column or row has a chroma sample of its own). */
static void chroma_rect(const struct yuv *y, const int l[4], int c[4])
{
	int vs = y->subsamp == TJSAMP_420;

	c[0] = l[0] / 2;
	c[1] = (l[1] + 1) / 2;
	c[2] = l[2] >> vs;
	c[3] = ((l[3] - 1) >> vs) + 1;
}

/* Fills a rectangle (clipped; x rounded down to even) with one colour,
 * chroma included. */
static void fill(struct yuv *y, int x0, int y0, int w, int h,
		 int luma, int u, int v)
{
	int l[4] = { MAX(x0, 0) & ~1, MIN(x0 + w, y->w), MAX(y0, 0),
		     MIN(y0 + h, y->h) }, c[4], r;

	if (l[1] <= l[0] || l[3] <= l[2])
		return;
	for (r = l[2]; r < l[3]; r++)
		memset(y->p[0] + (size_t)r * y->stride[0] + l[0], luma,
		       (size_t)(l[1] - l[0]));
	chroma_rect(y, l, c);
	for (r = c[2]; r < c[3]; r++) {
		memset(y->p[1] + (size_t)r * y->stride[1] + c[0], u,
		       (size_t)(c[1] - c[0]));
		memset(y->p[2] + (size_t)r * y->stride[2] + c[0], v,
		       (size_t)(c[1] - c[0]));
	}
}

/* Fills a rectangle (clipped) in luma only. */
static void fill_luma(struct yuv *y, int x0, int y0, int w, int h, int luma)
{
	int x1 = MIN(x0 + w, y->w), y1 = MIN(y0 + h, y->h), r;

	x0 = MAX(x0, 0);
	y0 = MAX(y0, 0);
	for (r = y0; r < y1 && x1 > x0; r++)
		memset(y->p[0] + (size_t)r * y->stride[0] + x0, luma, x1 - x0);
}

/* Draws text (upper-cased; unknown characters as blanks) in luma only,
 * each font pixel an s x s block. Returns the width drawn. */
static int text(struct yuv *y, int x, int y0, int s, const char *str,
		int luma)
{
	int x0 = x;

	for (; *str; str++, x += 6 * s) {
		const char *g = strchr(glyph_chars, toupper((unsigned char)*str));
		int row, col;

		if (!g || !*str)
			continue;
		for (row = 0; row < 7; row++)
			for (col = 0; col < 5; col++)
				if (glyphs[g - glyph_chars][row] & (0x10 >> col))
					fill_luma(y, x + col * s,
						  y0 + row * s, s, s, luma);
	}
	return x - x0;
}

/* Formats wall-clock time as "2026-11-25 14:55:01.123" (UTC). */
static void clock_text(char *buf, size_t sz, int64_t ts_us)
{
	time_t t = (time_t)(ts_us / 1000000);
	struct tm tm;
	char day[32];

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, sz, "%s.%03d", day, (int)(ts_us / 1000 % 1000));
}

void pattern_nosignal(struct yuv *y, int64_t ts_us, const char *why)
{
	int s = MAX(1, y->h / 90), small = MAX(1, s / 3);
	char clock[40];
	int w;

	fill(y, 0, 0, y->w, y->h, 40, 128, 128);
	/* Thin stripes so it reads as a card, not as a broken picture. */
	fill(y, 0, y->h / 2 - 6 * s, y->w, 12 * s, 24, 128, 160);
	w = 9 * 6 * s;
	text(y, (y->w - w) / 2, y->h / 2 - 7 * s / 2, s, "NO SIGNAL", 235);
	clock_text(clock, sizeof(clock), ts_us);
	w = (int)strlen(clock) * 6 * small * 2;
	text(y, (y->w - w) / 2, y->h / 2 + 8 * s, small * 2, clock, 200);
	if (why) {
		w = (int)strlen(why) * 6 * small;
		text(y, MAX(0, (y->w - w) / 2), y->h / 2 + 8 * s + 20 * small,
		     small, why, 160);
	}
}

/* The test pattern source */

struct pattern {
	struct yuv bg;		/* 2w wide background, periodic in w */
	struct yuv win;		/* the frame handed out: a window on bg */
	int w, h;
	unsigned char *save;	/* what the box covers, per plane */
	int box[4];		/* its luma rectangle in win: x0 x1 y0 y1 */
	int subsamp;		/* TJSAMP_420 or TJSAMP_422 */
	int64_t period_us, next_us;
	uint64_t n;		/* frames produced */
};

/* Copies the box's rectangle of the three planes between the window and
 * p->save. */
static void box_copy(struct pattern *p, int to_save)
{
	unsigned char *sv = p->save;
	int i, r, c[4];

	chroma_rect(&p->win, p->box, c);
	for (i = 0; i < 3; i++) {
		const int *q = i ? c : p->box;
		size_t n = (size_t)(q[1] - q[0]);

		for (r = q[2]; r < q[3]; r++, sv += n) {
			unsigned char *px = p->win.p[i] +
				(size_t)r * p->win.stride[i] + q[0];

			if (to_save)
				memcpy(sv, px, n);
			else
				memcpy(px, sv, n);
		}
	}
}

/* Draws the static background once: gradients, grey steps, colour bars,
 * a checkerboard, concentric rings and a little noise. */
static void draw_background(struct yuv *bg, int w, int h)
{
	uint32_t seed = 12345;
	int x, y, cx = w / 2, cy = h / 2, sq = MAX(8, h / 18);
	int vs = bg->subsamp == TJSAMP_420;

	for (y = 0; y < h; y++) {
		unsigned char *py = bg->p[0] + (size_t)y * bg->stride[0];
		size_t crow = (size_t)(y >> vs);
		unsigned char *pu = bg->p[1] + crow * bg->stride[1];
		unsigned char *pv = bg->p[2] + crow * bg->stride[2];

		for (x = 0; x < 2 * w; x++) {
			int xx = x % w, l, dx = xx - cx, dy = y - cy;
			long r2 = (long)dx * dx + (long)dy * dy;

			l = 30 + 180 * (xx + y) / (w + h);
			if (y < h / 6)				/* grey steps */
				l = 20 + xx * 8 / w * 30;
			else if (y > h * 5 / 6)			/* checkers */
				l = ((xx / sq + y / sq) & 1) ? 220 : 35;
			else if (r2 < (long)h * h / 9)		/* rings */
				l = (r2 / (h / 3 + 1)) & 8 ? 200 : 60;
			seed = seed * 1103515245 + 12345;
			l += (int)(seed >> 29) - 4;		/* noise */
			py[x] = (unsigned char)MIN(MAX(l, 16), 235);
			if (x & 1 || y & vs)	/* one chroma sample each */
				continue;
			if (y > h / 6 && y < h / 3) {		/* colour bars */
				static const unsigned char bu[] = {
					128, 16, 166, 54, 202, 90, 240, 128 };
				static const unsigned char bv[] = {
					128, 146, 16, 34, 222, 240, 110, 128 };
				pu[x / 2] = bu[xx * 8 / w];
				pv[x / 2] = bv[xx * 8 / w];
			} else {
				pu[x / 2] = (unsigned char)(96 + 64 * xx / w);
				pv[x / 2] = (unsigned char)(160 - 64 * y / h);
			}
		}
	}
}

static int pattern_open(struct source *s, char *msg, size_t msgsz)
{
	struct pattern *p = s->priv;
	int w = s->info.w, h = s->info.h;

	if (p->bg.mem)
		return 0;
	/* The box is at most h/6 + 1 pixels square (x rounded to even). */
	p->save = malloc((size_t)2 * (h / 6 + 4) * (h / 6 + 4));
	if (!p->save || yuv_alloc(&p->bg, 2 * w, h, p->subsamp) != 0) {
		snprintf(msg, msgsz, "test pattern: out of memory");
		return -1;
	}
	p->w = w;
	p->h = h;
	draw_background(&p->bg, w, h);
	p->next_us = 0;
	return 0;
}

/* Waits for the next frame time on the monotonic clock. Frames late by
 * more than a period are skipped, so the rate never drifts. */
static int pace(struct pattern *p, int timeout_ms)
{
	int64_t now = mono_us();
	struct timespec ts;

	if (p->next_us == 0)
		p->next_us = now;
	if (p->next_us - now > (int64_t)timeout_ms * 1000) {
		now += (int64_t)timeout_ms * 1000;
		ts.tv_sec = now / 1000000;
		ts.tv_nsec = now % 1000000 * 1000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		return 0;
	}
	ts.tv_sec = p->next_us / 1000000;
	ts.tv_nsec = p->next_us % 1000000 * 1000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)
	       == EINTR)
		;
	now = mono_us();
	if (now - p->next_us > p->period_us) {
		int64_t late = (now - p->next_us) / p->period_us;

		p->next_us += late * p->period_us;
		p->n += (uint64_t)late;
	}
	p->next_us += p->period_us;
	return 1;
}

static int pattern_grab(struct source *s, struct image *img, int timeout_ms,
			char *msg, size_t msgsz)
{
	struct pattern *p = s->priv;
	struct yuv *o = &p->win;
	int w = p->w, h = p->h, i, shift, bs = h / 6, t;
	int ts_scale = MAX(1, h / 180), bx, by;
	char line[64];

	(void)msg;
	(void)msgsz;
	if (!pace(p, timeout_ms))
		return 0;
	/* Scroll: the window moves two pixels per frame over the
	 * background, which repeats after w pixels. */
	shift = (int)(p->n * 2 % (uint64_t)w) & ~1;
	*o = p->bg;
	o->mem = NULL;
	o->w = w;
	o->p[0] += shift;
	o->p[1] += shift / 2;
	o->p[2] += shift / 2;
	/* A box bouncing on a triangle wave: sharp moving edges. What it
	 * covers is saved here and put back by release(). */
	t = (int)(p->n % 240);
	bx = (t < 120 ? t : 240 - t) * (w - bs) / 120;
	t = (int)(p->n % 150);
	by = h / 3 + (t < 75 ? t : 150 - t) * (h / 2 - bs) / 75;
	p->box[0] = bx & ~1;
	p->box[1] = MIN(bx + bs, w);
	p->box[2] = by;
	p->box[3] = MIN(by + bs, h);
	box_copy(p, 1);
	fill(o, bx, by, bs, bs, 20, 128, 128);
	fill(o, bx + 4, by + 4, bs - 8, bs - 8, 225, 90, 180);
	/* Clock and counter on a dark strip. */
	img->ts_us = now_us();
	fill(o, 0, 0, w, 36 * ts_scale, 16, 128, 128);
	clock_text(line, sizeof(line), img->ts_us);
	text(o, 4 * ts_scale, 3 * ts_scale, 2 * ts_scale, line, 235);
	snprintf(line, sizeof(line), "FRAME %llu  %dX%d",
		 (unsigned long long)p->n, w, h);
	text(o, 4 * ts_scale, 20 * ts_scale, 2 * ts_scale, line, 200);
	p->n++;

	img->fmt = IMG_YUV;
	img->subsamp = o->subsamp;
	img->w = w;
	img->h = h;
	for (i = 0; i < 3; i++) {
		img->planes[i] = o->p[i];
		img->strides[i] = o->stride[i];
	}
	img->data = NULL;
	img->len = 0;
	return 1;
}

static void pattern_release(struct source *s)
{
	box_copy(s->priv, 0);
}

static void pattern_close(struct source *s)
{
	(void)s;
}

static void pattern_destroy(struct source *s)
{
	struct pattern *p;

	if (!s)
		return;
	p = s->priv;
	yuv_free(&p->bg);
	free(p->save);
	free(p);
	free(s);
}

struct source *pattern_new(const struct source_opts *o)
{
	struct source *s = calloc(1, sizeof(*s));
	struct pattern *p = calloc(1, sizeof(*p));

	if (!s || !p) {
		free(s);
		free(p);
		return NULL;
	}
	s->priv = p;
	s->open = pattern_open;
	s->grab = pattern_grab;
	s->release = pattern_release;
	s->close = pattern_close;
	s->destroy = pattern_destroy;
	snprintf(s->info.name, sizeof(s->info.name), "test");
	p->subsamp = o->subsamp == TJSAMP_422 ? TJSAMP_422 : TJSAMP_420;
	snprintf(s->info.format, sizeof(s->info.format), "%s",
		 p->subsamp == TJSAMP_420 ? "yuv420p" : "yuv422p");
	snprintf(s->info.subsampling, sizeof(s->info.subsampling), "%s",
		 p->subsamp == TJSAMP_420 ? "420" : "422");
	s->info.w = o->w;
	s->info.h = o->h;
	s->info.fps = o->fps;
	p->period_us = 1000000 / MAX(1, o->fps);
	return s;
}
