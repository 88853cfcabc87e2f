/* camgrab.c: a small V4L2 client for the fake camera's own test (t0150):
 * grabs from several cameras at once through libv4l2, one thread each as
 * the server runs them, and prints what each got. Meant to run under
 * fakecam.so; a real camera works too.
 *
 *	camgrab [-t MS] SPEC...
 *
 * SPEC is PATH[,size=WxH][,fps=N][,format=yuyv|mjpeg][,bright=V] for a
 * thread that grabs, or PATH,probe for one that only watches the path.
 *
 * A grabbing thread opens PATH, sets brightness V if asked, the format,
 * size and rate, streams from 4 mmap buffers and checks that each frame
 * is of the size set (YUYV: w*h*2 bytes used; MJPEG: the size in its
 * SOF). When the camera is lost (DQBUF fails) or cannot be opened it
 * tries again every 20 ms, as the server reopens the same path. All
 * threads stop after MS ms (2000). Then one line per grabbing thread:
 *
 *	cam=I path=P w= h= fmt= frames= bad= fps= opens= losses= first_ms=
 *	lost_ms= back_ms= after= y= cb= cr= sum= ctrls= bright= card= err=
 *
 * fps: over the first stream (before any loss) from its 5th frame on (a
 * camera thread that starts late catches up in a burst); *_ms: since the
 * start (-1: never), the first frame, the first loss, the first frame
 * after it; after: frames after the first loss; y cb cr: the first YUYV
 * frame's means (-1 for MJPEG); sum: a hash of the first frame (FNV-1a,
 * hex), the same for the same picture; ctrls: controls found at the
 * first open; bright: brightness read back at the end (- if not open
 * then); card: the driver's card name, spaces as _; err: the last open's
 * errno name, or -.
 *
 * A probe thread opens and closes PATH every 10 ms (and access()es it)
 * and prints "cam=I path=P probe=1 states=+0,-1012,+1530 disagree=N
 * node=N": when it appeared (+) and vanished (-), ms since the start;
 * how often access() disagreed with open(); readlink(PATH) when last
 * there (- for no link). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libv4l2.h>
#include <linux/videodev2.h>

#define MAX_CAMS	16
#define NBUFS		4
#define WARMUP		5	/* the first stream's frame its fps counts
				   from */

struct grab {
	int index;
	char path[256];
	int w, h, fps, bright, probe;
	uint32_t fmt;

	/* What it saw. */
	int fd;
	void *mem[NBUFS];
	size_t len[NBUFS];
	unsigned nbufs;
	int gw, gh;			/* the size the driver set */
	unsigned long frames, bad, after;
	int opens, losses, ctrls, lasterr;
	long first_ms, lost_ms, back_ms;
	long s_first, s_last;		/* the first stream's frames */
	unsigned long s_frames;
	int y, cb, cr, end_bright;
	uint32_t sum;
	char card[33];
	char states[512];
	int disagree;
	char node[256];
};

static struct timespec t0;
static long run_ms = 2000;

static long ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1000 +
	       (t.tv_nsec - t0.tv_nsec) / 1000000;
}

static void nap(long m)
{
	struct timespec ts = { m / 1000, m % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = v4l2_ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

static void cam_close(struct grab *g)
{
	enum v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned i;

	if (g->fd < 0)
		return;
	xioctl(g->fd, VIDIOC_STREAMOFF, &t);
	for (i = 0; i < g->nbufs; i++)
		v4l2_munmap(g->mem[i], g->len[i]);
	g->nbufs = 0;
	v4l2_close(g->fd);
	g->fd = -1;
}

static int count_ctrls(int fd)
{
	struct v4l2_queryctrl q;
	int n = 0;

	memset(&q, 0, sizeof(q));
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (xioctl(fd, VIDIOC_QUERYCTRL, &q) == 0) {
		if (q.type != V4L2_CTRL_TYPE_CTRL_CLASS)
			n++;
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	return n;
}

/* Opens and sets up the camera, streaming. 0, or -1 (closed again). */
static int cam_open(struct grab *g)
{
	struct v4l2_capability cap;
	struct v4l2_format f;
	struct v4l2_streamparm p;
	struct v4l2_requestbuffers rb;
	struct v4l2_buffer b;
	struct v4l2_control c;
	enum v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned i;
	char *s;

	g->fd = v4l2_open(g->path, O_RDWR | O_NONBLOCK);
	if (g->fd < 0) {
		g->lasterr = errno;
		return -1;
	}
	g->lasterr = 0;
	if (xioctl(g->fd, VIDIOC_QUERYCAP, &cap) < 0)
		goto err;
	snprintf(g->card, sizeof(g->card), "%s", (char *)cap.card);
	for (s = g->card; *s; s++)
		if (*s == ' ')
			*s = '_';
	if (g->opens++ == 0)
		g->ctrls = count_ctrls(g->fd);
	if (g->bright >= 0) {
		c.id = V4L2_CID_BRIGHTNESS;
		c.value = g->bright;
		xioctl(g->fd, VIDIOC_S_CTRL, &c);
	}
	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	f.fmt.pix.width = (uint32_t)g->w;
	f.fmt.pix.height = (uint32_t)g->h;
	f.fmt.pix.pixelformat = g->fmt;
	f.fmt.pix.field = V4L2_FIELD_ANY;
	if (xioctl(g->fd, VIDIOC_S_FMT, &f) < 0)
		goto err;
	g->gw = (int)f.fmt.pix.width;
	g->gh = (int)f.fmt.pix.height;
	g->fmt = f.fmt.pix.pixelformat;
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	p.parm.capture.timeperframe.numerator = 1;
	p.parm.capture.timeperframe.denominator = (uint32_t)g->fps;
	if (g->fps > 0 && xioctl(g->fd, VIDIOC_S_PARM, &p) < 0)
		goto err;
	memset(&rb, 0, sizeof(rb));
	rb.count = NBUFS;
	rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	rb.memory = V4L2_MEMORY_MMAP;
	if (xioctl(g->fd, VIDIOC_REQBUFS, &rb) < 0 || rb.count < 1)
		goto err;
	for (i = 0; i < rb.count && i < NBUFS; i++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(g->fd, VIDIOC_QUERYBUF, &b) < 0)
			goto err;
		g->mem[i] = v4l2_mmap(NULL, b.length, PROT_READ | PROT_WRITE,
				      MAP_SHARED, g->fd, b.m.offset);
		if (g->mem[i] == MAP_FAILED)
			goto err;
		g->len[i] = b.length;
		g->nbufs = i + 1;
		if (xioctl(g->fd, VIDIOC_QBUF, &b) < 0)
			goto err;
	}
	if (xioctl(g->fd, VIDIOC_STREAMON, &t) < 0)
		goto err;
	return 0;
err:
	g->lasterr = errno;
	cam_close(g);
	return -1;
}

/* The size in a JPEG's SOF, segments walked from SOI. 0 or -1. */
static int jpeg_size(const unsigned char *p, size_t len, int *w, int *h)
{
	size_t i = 2;

	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	while (i + 9 <= len && p[i] == 0xff) {
		if (p[i + 1] >= 0xc0 && p[i + 1] <= 0xc2) {
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return 0;
		}
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
	return -1;
}

/* Means of a YUYV frame's luma and chroma, every 8th macropixel. */
static void yuyv_means(struct grab *g, const unsigned char *p, size_t len)
{
	unsigned long sy = 0, su = 0, sv = 0, n = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 32, n++) {
		sy += p[i];
		su += p[i + 1];
		sv += p[i + 3];
	}
	if (n) {
		g->y = (int)(sy / n);
		g->cb = (int)(su / n);
		g->cr = (int)(sv / n);
	}
}

static uint32_t fnv1a(const unsigned char *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* One frame from b: checked, counted, back to the driver. */
static void take(struct grab *g, struct v4l2_buffer *b)
{
	const unsigned char *p = g->mem[b->index];
	long now = ms();
	int w = 0, h = 0, ok;

	if (g->fmt == V4L2_PIX_FMT_MJPEG)
		ok = jpeg_size(p, b->bytesused, &w, &h) == 0 &&
		     w == g->gw && h == g->gh;
	else
		ok = b->bytesused == (size_t)g->gw * (size_t)g->gh * 2;
	g->bad += !ok;
	if (g->frames++ == 0) {
		g->first_ms = now;
		g->sum = fnv1a(p, b->bytesused);
		if (g->fmt != V4L2_PIX_FMT_MJPEG)
			yuyv_means(g, p, b->bytesused);
	}
	if (g->losses == 0) {
		if (++g->s_frames == WARMUP)
			g->s_first = now;
		g->s_last = now;
	} else if (g->after++ == 0) {
		g->back_ms = now;
	}
	xioctl(g->fd, VIDIOC_QBUF, b);
}

static void *grab_thread(void *arg)
{
	struct grab *g = arg;
	struct pollfd pf;
	struct v4l2_buffer b;
	struct v4l2_control c;

	while (ms() < run_ms) {
		if (g->fd < 0 && cam_open(g) < 0) {
			nap(20);
			continue;
		}
		pf.fd = g->fd;
		pf.events = POLLIN;
		if (poll(&pf, 1, 100) <= 0)
			continue;
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(g->fd, VIDIOC_DQBUF, &b) == 0) {
			take(g, &b);
		} else if (errno != EAGAIN) {
			if (g->losses++ == 0)
				g->lost_ms = ms();
			cam_close(g);
		}
	}
	c.id = V4L2_CID_BRIGHTNESS;
	if (g->fd >= 0 && xioctl(g->fd, VIDIOC_G_CTRL, &c) == 0)
		g->end_bright = c.value;
	cam_close(g);
	return NULL;
}

static void *probe_thread(void *arg)
{
	struct grab *g = arg;
	size_t n = 0;
	ssize_t r;
	int fd, here, was = -1, acc;
	long t;

	while ((t = ms()) < run_ms) {
		fd = v4l2_open(g->path, O_RDWR | O_NONBLOCK);
		here = fd >= 0;
		if (here)
			v4l2_close(fd);
		acc = access(g->path, F_OK) == 0;
		g->disagree += acc != here;
		if (here != was && n + 16 < sizeof(g->states))
			n += (size_t)snprintf(g->states + n,
					      sizeof(g->states) - n, "%s%c%ld",
					      n ? "," : "", here ? '+' : '-',
					      t);
		was = here;
		if (here) {
			r = readlink(g->path, g->node, sizeof(g->node) - 1);
			g->node[r > 0 ? r : 0] = '\0';
		}
		nap(10);
	}
	return NULL;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "-";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

static void report(const struct grab *g)
{
	long d = g->s_last - g->s_first;
	char bright[16];

	if (g->probe) {
		printf("cam=%d path=%s probe=1 states=%s disagree=%d node=%s\n",
		       g->index, g->path, g->states, g->disagree,
		       g->node[0] ? g->node : "-");
		return;
	}
	if (g->end_bright >= 0)
		snprintf(bright, sizeof(bright), "%d", g->end_bright);
	else
		snprintf(bright, sizeof(bright), "-");
	printf("cam=%d path=%s w=%d h=%d fmt=%s frames=%lu bad=%lu fps=%.1f "
	       "opens=%d losses=%d first_ms=%ld lost_ms=%ld back_ms=%ld "
	       "after=%lu y=%d cb=%d cr=%d sum=%08x ctrls=%d bright=%s "
	       "card=%s err=%s\n", g->index, g->path, g->gw, g->gh,
	       g->fmt == V4L2_PIX_FMT_MJPEG ? "mjpeg" : "yuyv", g->frames,
	       g->bad, g->s_frames > WARMUP && d > 0 ?
	       (double)(g->s_frames - WARMUP) * 1000.0 / d : 0.0,
	       g->opens, g->losses, g->first_ms, g->lost_ms, g->back_ms,
	       g->after, g->y, g->cb, g->cr, (unsigned)g->sum, g->ctrls, bright,
	       g->card[0] ? g->card : "-", errname(g->lasterr));
}

/* PATH[,size=WxH][,fps=N][,format=F][,bright=V][,probe] into g. */
static int parse(struct grab *g, char *spec)
{
	char *o, *save;

	o = strtok_r(spec, ",", &save);
	if (!o)
		return -1;
	snprintf(g->path, sizeof(g->path), "%s", o);
	g->w = 640;
	g->h = 480;
	g->fmt = V4L2_PIX_FMT_YUYV;
	g->bright = -1;
	while ((o = strtok_r(NULL, ",", &save))) {
		if (sscanf(o, "size=%dx%d", &g->w, &g->h) == 2 ||
		    sscanf(o, "fps=%d", &g->fps) == 1 ||
		    sscanf(o, "bright=%d", &g->bright) == 1)
			continue;
		if (strcmp(o, "format=mjpeg") == 0)
			g->fmt = V4L2_PIX_FMT_MJPEG;
		else if (strcmp(o, "format=yuyv") == 0)
			g->fmt = V4L2_PIX_FMT_YUYV;
		else if (strcmp(o, "probe") == 0)
			g->probe = 1;
		else
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct grab gs[MAX_CAMS];
	pthread_t th[MAX_CAMS];
	int i, n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		run_ms = atol(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || argc - 1 > MAX_CAMS) {
		fprintf(stderr, "usage: camgrab [-t MS] PATH[,size=WxH]"
			"[,fps=N][,format=yuyv|mjpeg][,bright=V][,probe]...\n");
		return 2;
	}
	for (i = 1; i < argc; i++, n++) {
		gs[n].index = n;
		gs[n].fd = -1;
		gs[n].first_ms = gs[n].lost_ms = gs[n].back_ms = -1;
		gs[n].y = gs[n].cb = gs[n].cr = -1;
		gs[n].end_bright = -1;
		if (parse(&gs[n], argv[i]) < 0) {
			fprintf(stderr, "camgrab: bad spec %s\n", argv[i]);
			return 2;
		}
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, gs[i].probe ? probe_thread :
				   grab_thread, &gs[i]) != 0) {
			fprintf(stderr, "camgrab: cannot start a thread\n");
			return 1;
		}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++)
		report(&gs[i]);
	return 0;
}
