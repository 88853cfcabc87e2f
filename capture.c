/* capture.c: the V4L2 camera source: libv4l2 mmap streaming of YUYV or
 * MJPEG in the format capture_fmt.c chooses. Owns only the camera fd and
 * its buffers. It never logs or prints: errors come back as text for the
 * caller. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <libv4l2.h>
#include <linux/videodev2.h>
#include <turbojpeg.h>

#include "capture.h"
#include "capture_fmt.h"
#include "ctrl_v4l2.h"
#include "mjpeg.h"
#include "source.h"

#define MAX_BUFFERS 32

struct cap_buf {
	void *start;
	size_t len;
};

struct cap {
	struct source src;
	char device[256];
	int want_w, want_h, want_fps, want_buffers;
	char want_format[8];		/* "auto", "yuyv", "mjpeg" */

	int fd;				/* -1 when closed */
	int streaming;
	struct cap_buf bufs[MAX_BUFFERS];
	unsigned nbufs;
	int held;			/* index between grab and release */
	uint32_t pixfmt;
	int bytesperline;
};

/* Formats msg (the source thread puts our name in front) and, when the
 * format ends in ':', appends strerror(errno); keeps errno. */
static void vsay(char *msg, size_t msgsz, const char *fmt, va_list ap)
{
	int e = errno, n;
	size_t fl = strlen(fmt);

	if (msg && msgsz) {
		vsnprintf(msg, msgsz, fmt, ap);
		n = (int)strlen(msg);
		if (fl && fmt[fl - 1] == ':' && (size_t)n < msgsz)
			snprintf(msg + n, msgsz - n, " %s", strerror(e));
	}
	errno = e;
}

/* vsay() for a failure. Always returns -1. */
static int fail(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(msg, msgsz, fmt, ap);
	va_end(ap);
	return -1;
}

static void cap_close(struct source *s)
{
	struct cap *c = s->priv;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned i;

	if (c->streaming && c->fd >= 0)
		capture_ioctl(c->fd, VIDIOC_STREAMOFF, &type);
	c->streaming = 0;
	for (i = 0; i < c->nbufs; i++) {
		if (c->bufs[i].start)
			v4l2_munmap(c->bufs[i].start, c->bufs[i].len);
		c->bufs[i].start = NULL;
		c->bufs[i].len = 0;
	}
	c->nbufs = 0;
	c->held = -1;
	if (c->fd >= 0)
		v4l2_close(c->fd);
	c->fd = -1;
}

/* VIDIOC_S_FMT, then read back what the driver chose. */
static int set_format(struct cap *c, uint32_t pixfmt, char *msg,
		      size_t msgsz)
{
	struct v4l2_format f;
	char want[5], got[5];

	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	f.fmt.pix.width = (uint32_t)c->want_w;
	f.fmt.pix.height = (uint32_t)c->want_h;
	f.fmt.pix.pixelformat = pixfmt;
	f.fmt.pix.field = V4L2_FIELD_ANY;
	if (capture_ioctl(c->fd, VIDIOC_S_FMT, &f) < 0)
		return fail(msg, msgsz, "VIDIOC_S_FMT:");
	if (f.fmt.pix.pixelformat != pixfmt &&
	    !(capture_is_mjpeg(pixfmt) &&
	      capture_is_mjpeg(f.fmt.pix.pixelformat))) {
		capture_fourcc(pixfmt, want);
		capture_fourcc(f.fmt.pix.pixelformat, got);
		errno = EINVAL;
		return fail(msg, msgsz, "offers %s, not %s (use --format "
			    "or --list-formats)", got, want);
	}
	if (f.fmt.pix.width == 0 || f.fmt.pix.height == 0 ||
	    f.fmt.pix.width > 16384 || f.fmt.pix.height > 16384) {
		errno = EINVAL;
		return fail(msg, msgsz, "driver set a bad size %ux%u",
			    f.fmt.pix.width, f.fmt.pix.height);
	}
	c->pixfmt = f.fmt.pix.pixelformat;
	c->src.info.w = (int)f.fmt.pix.width;
	c->src.info.h = (int)f.fmt.pix.height;
	c->bytesperline = (int)f.fmt.pix.bytesperline;
	if (!capture_is_mjpeg(c->pixfmt) &&
	    c->bytesperline < c->src.info.w * 2)
		c->bytesperline = c->src.info.w * 2;
	return 0;
}

/* VIDIOC_S_PARM for the frame rate; what the driver took is the rate we
 * report. Drivers without it just run at their own rate. */
static void set_fps(struct cap *c)
{
	struct v4l2_streamparm p;
	const struct v4l2_fract *t = &p.parm.capture.timeperframe;

	c->src.info.fps = c->want_fps;
	memset(&p, 0, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	p.parm.capture.timeperframe.numerator = 1;
	p.parm.capture.timeperframe.denominator = (uint32_t)c->want_fps;
	if (capture_ioctl(c->fd, VIDIOC_S_PARM, &p) < 0) {
		memset(&p, 0, sizeof(p));
		p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		if (capture_ioctl(c->fd, VIDIOC_G_PARM, &p) < 0)
			return;
	}
	if (t->numerator && t->denominator)
		c->src.info.fps = (int)((t->denominator + t->numerator / 2) /
					t->numerator);
}

/* A v4l2_buffer naming mmap capture buffer index. */
static void buf_init(struct v4l2_buffer *b, unsigned index)
{
	memset(b, 0, sizeof(*b));
	b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b->memory = V4L2_MEMORY_MMAP;
	b->index = index;
}

static int map_buffers(struct cap *c, char *msg, size_t msgsz)
{
	struct v4l2_requestbuffers rb;
	struct v4l2_buffer b;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned i;

	memset(&rb, 0, sizeof(rb));
	rb.count = (uint32_t)c->want_buffers;
	rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	rb.memory = V4L2_MEMORY_MMAP;
	if (capture_ioctl(c->fd, VIDIOC_REQBUFS, &rb) < 0)
		return fail(msg, msgsz, "VIDIOC_REQBUFS:");
	if (rb.count == 0) {
		errno = ENOMEM;
		return fail(msg, msgsz, "driver gave no buffers");
	}
	if (rb.count > MAX_BUFFERS)
		rb.count = MAX_BUFFERS;	/* the rest just stay unused */
	for (i = 0; i < rb.count; i++) {
		buf_init(&b, i);
		if (capture_ioctl(c->fd, VIDIOC_QUERYBUF, &b) < 0)
			return fail(msg, msgsz, "VIDIOC_QUERYBUF %u:", i);
		c->bufs[i].start = v4l2_mmap(NULL, b.length,
					     PROT_READ | PROT_WRITE,
					     MAP_SHARED, c->fd, b.m.offset);
		if (c->bufs[i].start == MAP_FAILED) {
			c->bufs[i].start = NULL;
			return fail(msg, msgsz, "mmap buffer %u:", i);
		}
		c->bufs[i].len = b.length;
		c->nbufs = i + 1;
	}
	for (i = 0; i < c->nbufs; i++) {
		buf_init(&b, i);
		if (capture_ioctl(c->fd, VIDIOC_QBUF, &b) < 0)
			return fail(msg, msgsz, "VIDIOC_QBUF %u:", i);
	}
	if (capture_ioctl(c->fd, VIDIOC_STREAMON, &type) < 0)
		return fail(msg, msgsz, "VIDIOC_STREAMON:");
	c->streaming = 1;
	return 0;
}

static int cap_open(struct source *s, char *msg, size_t msgsz)
{
	struct cap *c = s->priv;
	struct v4l2_capability cap;
	uint32_t caps, pixfmt;
	int e;

	cap_close(s);
	c->fd = v4l2_open(c->device, O_RDWR | O_NONBLOCK);
	if (c->fd < 0)
		return fail(msg, msgsz, "open:");

	memset(&cap, 0, sizeof(cap));
	if (capture_ioctl(c->fd, VIDIOC_QUERYCAP, &cap) < 0) {
		fail(msg, msgsz, "VIDIOC_QUERYCAP (not a V4L2 device?):");
		goto err;
	}
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps
						        : cap.capabilities;
	if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) {
		errno = ENODEV;
		fail(msg, msgsz, "%s cannot capture video (a metadata or "
		     "output node?)", (char *)cap.card);
		goto err;
	}
	if (!(caps & V4L2_CAP_STREAMING)) {
		errno = ENODEV;
		fail(msg, msgsz, "%s does not support streaming I/O",
		     (char *)cap.card);
		goto err;
	}

	pixfmt = capture_choose_format(c->fd, c->want_format, c->want_w,
				       c->want_h, c->want_fps);
	if (set_format(c, pixfmt, msg, msgsz) < 0)
		goto err;
	set_fps(c);
	if (map_buffers(c, msg, msgsz) < 0)
		goto err;
	snprintf(s->info.format, sizeof(s->info.format), "%s",
		 capture_is_mjpeg(c->pixfmt) ? "mjpeg" : "yuyv");
	return 0;
err:
	e = errno;
	cap_close(s);
	errno = e;
	return -1;
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The driver's timestamp on the wall clock: V4L2 stamps frames with
 * CLOCK_MONOTONIC, our clients want CLOCK_REALTIME, so shift by the
 * clocks' current offset. Unknown or implausible stamps become "now". */
static int64_t frame_time(const struct v4l2_buffer *b)
{
	int64_t real = clock_us(CLOCK_REALTIME), mono, ts;

	if ((b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
	    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ||
	    (b->timestamp.tv_sec == 0 && b->timestamp.tv_usec == 0))
		return real;
	mono = clock_us(CLOCK_MONOTONIC);
	ts = (int64_t)b->timestamp.tv_sec * 1000000 + b->timestamp.tv_usec;
	if (ts > mono || mono - ts > 10 * 1000000)
		return real;
	return real - (mono - ts);
}

static void requeue(struct cap *c, unsigned index)
{
	struct v4l2_buffer b;

	buf_init(&b, index);
	/* A failure here shows up as a lost device at the next DQBUF. */
	capture_ioctl(c->fd, VIDIOC_QBUF, &b);
}

/* Waits up to timeout_ms for the fd to become readable: 1 ready, 0 not
 * yet, -1 error. Restarts after signals with the time that is left. */
static int wait_frame(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t end = clock_us(CLOCK_MONOTONIC) + (int64_t)timeout_ms * 1000;
	int64_t left;
	int r;

	for (;;) {
		r = poll(&p, 1, timeout_ms);
		if (r >= 0)
			return r > 0;
		if (errno != EINTR)
			return -1;
		left = end - clock_us(CLOCK_MONOTONIC);
		timeout_ms = left > 0 ? (int)((left + 999) / 1000) : 0;
	}
}

/* A frame we do not hand on: straight back to the driver, counted in
 * dropped, and msg says why (the caller logs each cause once). Returns 0,
 * grab's "no frame". */
static int drop(struct cap *c, unsigned index, char *msg, size_t msgsz,
		const char *fmt, ...)
{
	va_list ap;

	requeue(c, index);
	c->src.dropped++;
	va_start(ap, fmt);
	vsay(msg, msgsz, fmt, ap);
	va_end(ap);
	return 0;
}

/* A camera JPEG goes on only whole and of the size we set: a frame of
 * another size (a camera switching modes by itself, a broken header that
 * claims 65535x65535) would make the decoder allocate for that size and
 * be passed through to clients told otherwise. 1 if the frame goes on,
 * 0 if it was dropped. */
static int check_mjpeg(struct cap *c, const struct v4l2_buffer *b,
		       char *msg, size_t msgsz)
{
	const unsigned char *p = c->bufs[b->index].start;
	int w, h;

	if (b->flags & V4L2_BUF_FLAG_ERROR)
		return drop(c, b->index, msg, msgsz, "dropped a frame the "
			    "driver marked as broken");
	if (mjpeg_check(p, b->bytesused) < 0)
		return drop(c, b->index, msg, msgsz, "dropped a truncated or "
			    "corrupt JPEG");
	if (mjpeg_size(p, b->bytesused, &w, &h) < 0)
		return drop(c, b->index, msg, msgsz, "dropped a JPEG with a "
			    "malformed frame header (SOF)");
	if (w != c->src.info.w || h != c->src.info.h)
		return drop(c, b->index, msg, msgsz, "dropped a %dx%d frame: "
			    "the camera was set to %dx%d", w, h,
			    c->src.info.w, c->src.info.h);
	return 1;
}

static int cap_grab(struct source *s, struct image *img, int timeout_ms,
		    char *msg, size_t msgsz)
{
	struct cap *c = s->priv;
	struct v4l2_buffer b;
	const unsigned char *p;
	size_t need;
	int r;

	if (c->fd < 0 || !c->streaming) {
		errno = EBADF;
		return fail(msg, msgsz, "not open");
	}
	if (c->held >= 0) {	/* the caller forgot release() */
		requeue(c, (unsigned)c->held);
		c->held = -1;
	}
	r = wait_frame(c->fd, timeout_ms);
	if (r < 0)
		return fail(msg, msgsz, "poll:");
	if (r == 0)
		return 0;

	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_MMAP;
	if (capture_ioctl(c->fd, VIDIOC_DQBUF, &b) < 0) {
		if (errno == EAGAIN)
			return 0;
		return fail(msg, msgsz, "VIDIOC_DQBUF:");
	}
	if (b.index >= c->nbufs) {
		errno = EIO;
		return fail(msg, msgsz, "driver returned buffer %u of %u",
			    b.index, c->nbufs);
	}
	p = c->bufs[b.index].start;
	if (b.bytesused > c->bufs[b.index].len)
		b.bytesused = 0;	/* impossible: treat as corrupt */

	memset(img, 0, sizeof(*img));
	img->w = s->info.w;
	img->h = s->info.h;
	img->data = p;
	img->len = b.bytesused;
	if (capture_is_mjpeg(c->pixfmt)) {
		img->fmt = IMG_MJPEG;
		if (check_mjpeg(c, &b, msg, msgsz) == 0)
			return 0;
	} else {
		img->fmt = IMG_YUYV;
		img->strides[0] = c->bytesperline;
		need = (size_t)c->bytesperline * (size_t)(s->info.h - 1) +
		       (size_t)s->info.w * 2;
		if (b.flags & V4L2_BUF_FLAG_ERROR)
			return drop(c, b.index, msg, msgsz, "dropped a frame "
				    "the driver marked as broken");
		if (b.bytesused < need)
			return drop(c, b.index, msg, msgsz, "dropped a short "
				    "YUYV frame (under %zu bytes)", need);
	}
	img->ts_us = frame_time(&b);
	c->held = (int)b.index;
	return 1;
}

/* Hands the buffer straight back to the driver: the caller has copied or
 * encoded what it needed. */
static void cap_release(struct source *s)
{
	struct cap *c = s->priv;

	if (c->held >= 0 && c->fd >= 0)
		requeue(c, (unsigned)c->held);
	c->held = -1;
}

/* The controls: ctrl_v4l2.c on our fd. */
static int cap_ctrl_read(struct source *s, struct ctrl_list *l)
{
	struct cap *c = s->priv;

	if (c->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return ctrl_v4l2_read(c->fd, l);
}

static int cap_ctrl_get(struct source *s, uint32_t id, int32_t *v)
{
	struct cap *c = s->priv;

	if (c->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return ctrl_v4l2_get(c->fd, id, v);
}

static int cap_ctrl_set(struct source *s, uint32_t id, int32_t v)
{
	struct cap *c = s->priv;

	if (c->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return ctrl_v4l2_set(c->fd, id, v);
}

static void cap_destroy(struct source *s)
{
	if (!s)
		return;
	cap_close(s);
	free(s->priv);
}

struct source *capture_new(const struct source_opts *o)
{
	struct cap *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	c->held = -1;
	snprintf(c->device, sizeof(c->device), "%s",
		 o->device && *o->device ? o->device : "/dev/video0");
	c->want_w = o->w > 0 ? o->w : 640;
	c->want_h = o->h > 0 ? o->h : 480;
	c->want_fps = o->fps > 0 ? o->fps : 30;
	c->want_buffers = o->buffers > 0 ? o->buffers : 4;
	if (c->want_buffers > MAX_BUFFERS)
		c->want_buffers = MAX_BUFFERS;
	snprintf(c->want_format, sizeof(c->want_format), "%s",
		 o->format && *o->format ? o->format : "auto");

	c->src.open = cap_open;
	c->src.grab = cap_grab;
	c->src.release = cap_release;
	c->src.close = cap_close;
	c->src.destroy = cap_destroy;
	c->src.ctrl_read = cap_ctrl_read;
	c->src.ctrl_get = cap_ctrl_get;
	c->src.ctrl_set = cap_ctrl_set;
	c->src.priv = c;
	snprintf(c->src.info.name, sizeof(c->src.info.name), "v4l2:%.58s",
		 c->device);
	snprintf(c->src.info.subsampling, sizeof(c->src.info.subsampling),
		 "%s", o->subsamp == TJSAMP_422 ? "422" : "420");
	snprintf(c->src.info.format, sizeof(c->src.info.format), "%s",
		 strcmp(c->want_format, "mjpeg") == 0 ? "mjpeg" : "yuyv");
	c->src.info.w = c->want_w;
	c->src.info.h = c->want_h;
	c->src.info.fps = c->want_fps;
	return &c->src;
}
