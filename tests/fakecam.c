/* fakecam.c: an LD_PRELOAD camera for tests and benchmarks: emulates a
 * UVC webcam behind libv4l2's v4l2_* calls and libc's open/ioctl/mmap/close.
 *
 * Environment:
 *   FAKECAM_DEVICE        path to emulate (default /dev/video0); it need
 *                         not exist on disk. Every other path is passed on.
 *   FAKECAM_DEVICES       several cameras instead (FAKECAM_DEVICE is then
 *                         ignored), up to 16: SPEC;SPEC;... with each SPEC
 *                         PATH[,KEY=VALUE]... and KEY one of
 *     modes=FORMAT:WxH@FPS+FORMAT:WxH@FPS...   (+ between modes)
 *     unplug_after=N   unplug_ms=M   missing=M   ctrls=0
 *                         as FAKECAM_MODES, _UNPLUG_AFTER, _UNPLUG_MS,
 *                         _MISSING and _CTRLS below, for this camera (the
 *                         variables give the default for every camera);
 *     replug_as=PATH2     the camera comes back from its unplug at PATH2,
 *                         and PATH stays absent (a USB camera that comes
 *                         back as /dev/video4, not /dev/video2);
 *     id=NAME             it is also at /dev/v4l/by-id/NAME, whichever
 *                         node it lives at (udev's stable name).
 *                         E.g. '/dev/video2,modes=yuyv:640x480@30;
 *                         /dev/video4,modes=mjpeg:1280x720@15,id=cam-b,
 *                         unplug_after=30,unplug_ms=500,replug_as=
 *                         /dev/video6' (one line, no spaces). Each camera
 *                         has its own fds, frame count, controls and
 *                         unplug; VIDIOC_QUERYCAP names it (card "Fake
 *                         Camera", then "Fake Camera 2"..., bus_info
 *                         usb-fakecam-N) and its picture shows it: the
 *                         second and later ones are tinted in other
 *                         colours, their number drawn under the frame
 *                         count (the first looks as the single camera
 *                         does). The other settings are for every camera.
 *   FAKECAM_MODES         what the camera offers, FORMAT:WxH@FPS,...
 *                         FORMAT is yuyv or mjpeg; each mode also offers
 *                         the usual lower rates (25 20 15 10 5). Default
 *                         yuyv:640x480@30,yuyv:1280x720@10,
 *                         mjpeg:1280x720@30,mjpeg:640x480@30
 *                         (a typical USB 2 webcam: 720p30 only as MJPEG).
 *   FAKECAM_DROP=N        drop every Nth frame (a sequence gap, no buffer)
 *   FAKECAM_CORRUPT=N     frame N (counted per camera from 1) is broken:
 *                         a truncated or damaged JPEG, a short YUYV frame;
 *   FAKECAM_CORRUPT=%N    every Nth frame is.
 *   FAKECAM_UNPLUG_AFTER=N after N frames the camera is unplugged: open
 *                         fds get ENODEV from every ioctl (poll reports
 *                         them readable, as DQBUF then fails) and open()
 *                         fails with ENOENT. Happens once per camera.
 *   FAKECAM_UNPLUG_MS=M   ... and is plugged in again M ms later (default:
 *                         never).
 *   FAKECAM_MISSING=M     absent for the first M ms after start, or
 *                         forever with -1.
 *   FAKECAM_NODHT=1       MJPEG frames without Huffman tables, as many UVC
 *                         cameras send them.
 *   FAKECAM_WRONG_SIZE=N  every Nth MJPEG frame is not of the size set:
 *                         in turn a real JPEG of half the width and
 *                         height, and the usual JPEG whose SOF claims
 *                         65000x65000 (a broken camera; decoding it would
 *                         allocate gigabytes).
 *   FAKECAM_STILL=N       every frame shows picture N (the same YUYV
 *                         picture, or the same one of the 30 JPEGs), so
 *                         servers can be compared on one picture.
 *   FAKECAM_DUMP=FILE     writes the first YUYV frame it delivers to FILE
 *                         (raw, w*2 bytes per row): the source picture.
 *   FAKECAM_DEBUG=1       report unknown ioctls on stderr.
 *   FAKECAM_CTRLS=0       a camera without controls (VIDIOC_QUERYCTRL
 *                         finds none).
 *   FAKECAM_CTRL_MS=M     each VIDIOC_S_CTRL takes M ms (a UVC control
 *                         goes over USB; some cameras are slow at it).
 *
 * Controls: those of a typical UVC webcam (a Logitech C920's, plus a pan
 * reset button and a read-only privacy switch), answered as uvcvideo
 * does: VIDIOC_QUERYCTRL (with V4L2_CTRL_FLAG_NEXT_CTRL, control classes
 * included), VIDIOC_QUERYMENU (auto_exposure's menu skips indices 0 and
 * 2), VIDIOC_G_CTRL and VIDIOC_S_CTRL. Integers and booleans are clamped
 * and rounded to the step; a menu index out of range is ERANGE, a
 * skipped one EINVAL; a read-only or inactive control is EACCES (white
 * balance temperature while white_balance_automatic is on, exposure time
 * unless auto_exposure is Manual Mode, focus while autofocus is on); the
 * exposure time is rounded to the nearest time the "sensor" has (3, 5,
 * 10, 20, 39, 78, 156, 250, 312, 625, 1250, 2047), as many cameras do
 * behind a step of 1. The values belong to the camera, not to an fd: they last
 * across opens and go back to their defaults when it is unplugged.
 * Brightness shows: its distance from the default (128) is added to the
 * luma of every YUYV frame, and MJPEG frames are then encoded per frame
 * from that picture instead of taken from the ready-made cycle.
 *
 * Besides the v4l2_* calls it answers open/open64/openat(64), access and
 * faccessat for the emulated paths and ioctl/mmap/mmap64/close for its
 * fds, enough for µStreamer (which uses libc directly); readlink(at) and
 * realpath resolve a by-id name to the camera's node. stat() is not
 * answered: the paths need not exist.
 *
 * Only real kernel fds: the fd an application gets is the read end of a
 * pipe holding one byte per finished buffer, so poll/select/epoll wake at
 * the frame rate, it is never writable (µStreamer takes that for an
 * unplug), an unplug closes the write end (POLLHUP, as a vanished camera
 * gives), and close() is the real close once fakecam has forgotten it. The
 * buffers live in a memfd, so the application's mmap/munmap are real too.
 * All per-frame work (scrolling the YUYV picture, copying the pre-encoded
 * JPEG) runs in one thread per streaming device named "fakecam", so a
 * benchmark can tell its CPU from the server's in /proc/PID/task/STAR/comm;
 * the 30 JPEGs per size are encoded (q85) once, also in that thread. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libv4l2.h>
#include <linux/videodev2.h>
#include <turbojpeg.h>

#define MAX_MODES	32
#define MAX_BUFS	32
#define MAX_CAMS	16
#define MAX_CTRLS	32
#define BYID_DIR	"/dev/v4l/by-id/"
#define MJPEG_CYCLE	30
#define EXPORT		__attribute__((visibility("default")))

struct mode {
	uint32_t fmt;
	int w, h, fps;
};

/* The pictures of a camera index at one size, built once and shared by
 * every fd streaming at that size. */
struct pics {
	struct pics *next;
	int w, h;
	int index;			/* the camera's: its colours, its
					   number drawn */
	pthread_mutex_t lock;		/* held while they are made */
	unsigned char *bg;		/* YUYV, 2w x h: scrolled per frame */
	unsigned char *jpg[MJPEG_CYCLE];
	size_t jlen[MJPEG_CYCLE];
};

/* One emulated camera: its settings, fixed at start, then its state,
 * which g.lock guards. The cameras live in g.cams[] for the whole
 * process, so an fd may point at its camera without a reference. */
struct cam {
	int index;			/* from 0, in FAKECAM_DEVICES order */
	char path[256];			/* its device node */
	char replug_as[256];		/* its node after the unplug; "":
					   path */
	char byid[256];			/* BYID_DIR NAME, or "" */
	struct mode modes[MAX_MODES];
	int nmodes;
	long unplug_after, unplug_ms, missing_ms;
	int noctrls;

	int64_t unplug_t;		/* 0 until unplugged */
	unsigned plug_gen;		/* bumped at the unplug */
	unsigned long frames;		/* delivered, all its fds */
	int32_t cval[MAX_CTRLS];	/* control values, as fctrls[] */
};

enum bstate { B_DEQUEUED, B_QUEUED, B_DONE };

struct buf {
	enum bstate state;
	struct v4l2_buffer v;		/* what QUERYBUF and DQBUF report */
};

/* One open fd of a camera. */
struct fdev {
	struct fdev *next;
	struct cam *cam;
	int fd;				/* the application's: a pipe's read end */
	int wfd;			/* its write end; -1 once unplugged */
	unsigned gen;			/* cam->plug_gen at open: else
					   unplugged */
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* wakes the thread to stop */
	struct mode cur;
	int fps;
	size_t sizeimage, bufsize;	/* bufsize: page aligned */
	int memfd;
	unsigned char *mem;		/* fakecam's own mapping of memfd */
	struct buf bufs[MAX_BUFS];
	unsigned nbufs;
	unsigned qhead[MAX_BUFS], nq;	/* queued, oldest first */
	unsigned dhead[MAX_BUFS], nd;	/* done, oldest first */
	int streaming, stop;
	pthread_t thread;
	uint32_t sequence;
};

static struct {
	pthread_mutex_t lock;		/* guards devs and the cameras'
					   state */
	pthread_mutex_t pics_lock;	/* guards the list of pics */
	struct fdev *devs;
	int ndevs;
	struct pics *pics;
	struct cam cams[MAX_CAMS];
	int ncams;
	/* For every camera. */
	long drop, corrupt_at, corrupt_every;
	long wrong_size;
	long still;
	int nodht, debug, dumped;
	long ctrl_ms;			/* what one VIDIOC_S_CTRL takes */
	char dump[256];
	int64_t start_ms;

	int (*open)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*close)(int);
	int (*faccessat)(int, const char *, int, int);
	ssize_t (*readlinkat)(int, const char *, char *, size_t);
	char *(*realpath)(const char *, char *);
	int (*ioctl)(int, unsigned long, ...);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*v4l2_open)(const char *, int, ...);
	int (*v4l2_close)(int);
	int (*v4l2_ioctl)(int, unsigned long, ...);
	ssize_t (*v4l2_read)(int, void *, size_t);
	void *(*v4l2_mmap)(void *, size_t, int, int, int, int64_t);
	int (*v4l2_munmap)(void *, size_t);
} g = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.pics_lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_once_t once_syms = PTHREAD_ONCE_INIT;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 10) : def;
}

/* Adds the modes of s, FORMAT:WxH@FPS separated by sep, to c's. */
static void parse_modes(struct cam *c, const char *s, int sep)
{
	char f[16];
	int w, h, fps, n;

	while (s && *s && c->nmodes < MAX_MODES) {
		if (sscanf(s, "%15[a-zA-Z]:%dx%d@%d%n", f, &w, &h, &fps,
			   &n) == 4 && w >= 16 && h >= 16 && w <= 8192 &&
		    h <= 8192 && w % 2 == 0 && fps > 0 && fps <= 240 &&
		    (s[n] == sep || s[n] == '\0')) {
			struct mode *m = &c->modes[c->nmodes];

			m->fmt = strcasecmp(f, "mjpeg") == 0 ?
				 V4L2_PIX_FMT_MJPEG : V4L2_PIX_FMT_YUYV;
			m->w = w;
			m->h = h;
			m->fps = fps;
			c->nmodes++;
		} else {
			fprintf(stderr, "fakecam: bad mode: %s\n", s);
		}
		s = strchr(s, sep);
		if (s)
			s++;
	}
}

static void *next_sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* The functions we stand in front of. Separate from the settings:
 * a sanitizer's runtime maps memory (through our mmap) before libc has
 * set up the environment, so getenv() must wait for the first open. */
static void init_syms(void)
{
	*(void **)&g.open = next_sym("open");
	*(void **)&g.openat = next_sym("openat");
	*(void **)&g.close = next_sym("close");
	*(void **)&g.faccessat = next_sym("faccessat");
	*(void **)&g.readlinkat = next_sym("readlinkat");
	*(void **)&g.realpath = next_sym("realpath");
	*(void **)&g.ioctl = next_sym("ioctl");
	*(void **)&g.mmap = next_sym("mmap");
	/* NULL unless the application links libv4l2. */
	*(void **)&g.v4l2_open = next_sym("v4l2_open");
	*(void **)&g.v4l2_close = next_sym("v4l2_close");
	*(void **)&g.v4l2_ioctl = next_sym("v4l2_ioctl");
	*(void **)&g.v4l2_read = next_sym("v4l2_read");
	*(void **)&g.v4l2_mmap = next_sym("v4l2_mmap");
	*(void **)&g.v4l2_munmap = next_sym("v4l2_munmap");
}

/* ---- Controls ---- */

struct fctrl {
	uint32_t id;
	const char *name;
	uint32_t type;
	int32_t min, max, step, def;
	uint32_t flags;
	const char *const *menu;	/* a name per index; NULL: skipped */
};

static const char *const plf_menu[] = { "Disabled", "50 Hz", "60 Hz" };
static const char *const ae_menu[] = { NULL, "Manual Mode", NULL,
				       "Aperture Priority Mode" };

#define CLASS_FLAGS (V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY)

/* In id order, as NEXT_CTRL walks them. */
static const struct fctrl fctrls[] = {
	{ V4L2_CID_USER_CLASS, "User Controls", V4L2_CTRL_TYPE_CTRL_CLASS,
	  0, 0, 0, 0, CLASS_FLAGS, NULL },
	{ V4L2_CID_BRIGHTNESS, "Brightness", V4L2_CTRL_TYPE_INTEGER,
	  0, 255, 1, 128, 0, NULL },
	{ V4L2_CID_CONTRAST, "Contrast", V4L2_CTRL_TYPE_INTEGER,
	  0, 255, 1, 128, 0, NULL },
	{ V4L2_CID_SATURATION, "Saturation", V4L2_CTRL_TYPE_INTEGER,
	  0, 255, 1, 128, 0, NULL },
	{ V4L2_CID_AUTO_WHITE_BALANCE, "White Balance, Automatic",
	  V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 1, 0, NULL },
	{ V4L2_CID_GAIN, "Gain", V4L2_CTRL_TYPE_INTEGER,
	  0, 255, 1, 0, 0, NULL },
	{ V4L2_CID_POWER_LINE_FREQUENCY, "Power Line Frequency",
	  V4L2_CTRL_TYPE_MENU, 0, 2, 1, 2, 0, plf_menu },
	{ V4L2_CID_WHITE_BALANCE_TEMPERATURE, "White Balance Temperature",
	  V4L2_CTRL_TYPE_INTEGER, 2000, 6500, 1, 4000, 0, NULL },
	{ V4L2_CID_SHARPNESS, "Sharpness", V4L2_CTRL_TYPE_INTEGER,
	  0, 255, 1, 128, 0, NULL },
	{ V4L2_CID_BACKLIGHT_COMPENSATION, "Backlight Compensation",
	  V4L2_CTRL_TYPE_INTEGER, 0, 1, 1, 0, 0, NULL },
	{ V4L2_CID_CAMERA_CLASS, "Camera Controls", V4L2_CTRL_TYPE_CTRL_CLASS,
	  0, 0, 0, 0, CLASS_FLAGS, NULL },
	{ V4L2_CID_EXPOSURE_AUTO, "Auto Exposure", V4L2_CTRL_TYPE_MENU,
	  0, 3, 1, 3, 0, ae_menu },
	{ V4L2_CID_EXPOSURE_ABSOLUTE, "Exposure Time, Absolute",
	  V4L2_CTRL_TYPE_INTEGER, 3, 2047, 1, 250, 0, NULL },
	{ V4L2_CID_EXPOSURE_AUTO_PRIORITY, "Exposure, Dynamic Framerate",
	  V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 0, 0, NULL },
	{ V4L2_CID_PAN_RESET, "Pan, Reset", V4L2_CTRL_TYPE_BUTTON,
	  0, 0, 0, 0, V4L2_CTRL_FLAG_WRITE_ONLY, NULL },
	{ V4L2_CID_PAN_ABSOLUTE, "Pan, Absolute", V4L2_CTRL_TYPE_INTEGER,
	  -36000, 36000, 3600, 0, 0, NULL },
	{ V4L2_CID_TILT_ABSOLUTE, "Tilt, Absolute", V4L2_CTRL_TYPE_INTEGER,
	  -36000, 36000, 3600, 0, 0, NULL },
	{ V4L2_CID_FOCUS_ABSOLUTE, "Focus, Absolute", V4L2_CTRL_TYPE_INTEGER,
	  0, 250, 5, 0, 0, NULL },
	{ V4L2_CID_FOCUS_AUTO, "Focus, Automatic Continuous",
	  V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 1, 0, NULL },
	{ V4L2_CID_ZOOM_ABSOLUTE, "Zoom, Absolute", V4L2_CTRL_TYPE_INTEGER,
	  100, 500, 1, 100, 0, NULL },
	{ V4L2_CID_PRIVACY, "Privacy", V4L2_CTRL_TYPE_BOOLEAN,
	  0, 1, 1, 0, V4L2_CTRL_FLAG_READ_ONLY, NULL },
};
#define NCTRLS (sizeof(fctrls) / sizeof(fctrls[0]))
typedef char cval_fits[MAX_CTRLS >= NCTRLS ? 1 : -1];

/* Exposure times the sensor really has (100 µs units). */
static const int32_t exposures[] = { 3, 5, 10, 20, 39, 78, 156, 250, 312,
				     625, 1250, 2047 };

/* Every control of c back to its default: at start, and at an unplug
 * (a camera forgets its settings when it loses power). g.lock held, or
 * before any thread runs. */
static void ctrls_reset(struct cam *c)
{
	size_t i;

	for (i = 0; i < NCTRLS; i++)
		c->cval[i] = fctrls[i].def;
}

/* The index of control id (next: of the first one after it) on c, or
 * -1. */
static int ctrl_index(const struct cam *c, uint32_t id, int next)
{
	size_t i;

	if (c->noctrls)
		return -1;
	for (i = 0; i < NCTRLS; i++)
		if (next ? fctrls[i].id > id : fctrls[i].id == id)
			return (int)i;
	return -1;
}

static int32_t cval(const struct cam *c, uint32_t id)
{
	int i = ctrl_index(c, id, 0);

	return i < 0 ? 0 : c->cval[i];
}

/* Set by an automatic mode that is on now. g.lock held. */
static int ctrl_inactive(const struct cam *c, const struct fctrl *f)
{
	switch (f->id) {
	case V4L2_CID_WHITE_BALANCE_TEMPERATURE:
		return cval(c, V4L2_CID_AUTO_WHITE_BALANCE) != 0;
	case V4L2_CID_EXPOSURE_ABSOLUTE:
		return cval(c, V4L2_CID_EXPOSURE_AUTO) != V4L2_EXPOSURE_MANUAL;
	case V4L2_CID_FOCUS_ABSOLUTE:
		return cval(c, V4L2_CID_FOCUS_AUTO) != 0;
	default:
		return 0;
	}
}

static int queryctrl(const struct cam *c, struct v4l2_queryctrl *q)
{
	uint32_t next = q->id & V4L2_CTRL_FLAG_NEXT_CTRL;
	uint32_t id = q->id & ~(V4L2_CTRL_FLAG_NEXT_CTRL |
				V4L2_CTRL_FLAG_NEXT_COMPOUND);
	const struct fctrl *f;
	int i = ctrl_index(c, id, next != 0);

	if (i < 0) {
		errno = EINVAL;
		return -1;
	}
	f = &fctrls[i];
	memset(q, 0, sizeof(*q));
	q->id = f->id;
	q->type = f->type;
	snprintf((char *)q->name, sizeof(q->name), "%s", f->name);
	q->minimum = f->min;
	q->maximum = f->max;
	q->step = (uint32_t)f->step;
	q->default_value = f->def;
	q->flags = f->flags |
		   (ctrl_inactive(c, f) ? V4L2_CTRL_FLAG_INACTIVE : 0);
	return 0;
}

static int querymenu(const struct cam *c, struct v4l2_querymenu *m)
{
	int i = ctrl_index(c, m->id, 0);
	const struct fctrl *f = i < 0 ? NULL : &fctrls[i];

	if (!f || !f->menu || (int64_t)m->index < f->min ||
	    (int64_t)m->index > f->max || !f->menu[m->index]) {
		errno = EINVAL;
		return -1;
	}
	memset(m->name, 0, sizeof(m->name));
	snprintf((char *)m->name, sizeof(m->name), "%s", f->menu[m->index]);
	m->reserved = 0;
	return 0;
}

/* What the camera makes of v for f: integers and booleans clamped and
 * rounded to the step, the exposure to a time the sensor has. -1 with
 * errno for a menu index it does not have. */
static int ctrl_take(const struct fctrl *f, int32_t v, int32_t *out)
{
	int64_t x = v;
	size_t i;

	if (f->type == V4L2_CTRL_TYPE_MENU) {
		if (x < f->min || x > f->max) {
			errno = ERANGE;
			return -1;
		}
		if (!f->menu[x]) {
			errno = EINVAL;
			return -1;
		}
		*out = v;
		return 0;
	}
	x = x < f->min ? f->min : x > f->max ? f->max : x;
	if (f->step > 1)
		x = f->min + (x - f->min + f->step / 2) / f->step * f->step;
	if (x > f->max)
		x -= f->step;
	*out = (int32_t)x;
	if (f->id != V4L2_CID_EXPOSURE_ABSOLUTE)
		return 0;
	for (i = 0; i < sizeof(exposures) / sizeof(exposures[0]); i++)
		if (llabs(exposures[i] - x) < llabs(*out - x) ||
		    i == 0)
			*out = exposures[i];
	return 0;
}

static int g_ctrl(const struct cam *c, struct v4l2_control *ct)
{
	int i = ctrl_index(c, ct->id, 0);

	if (i < 0) {
		errno = EINVAL;
		return -1;
	}
	if (fctrls[i].flags & V4L2_CTRL_FLAG_WRITE_ONLY) {
		errno = EACCES;
		return -1;
	}
	ct->value = c->cval[i];
	return 0;
}

static int s_ctrl(struct cam *c, struct v4l2_control *ct)
{
	int i = ctrl_index(c, ct->id, 0);
	const struct fctrl *f = i < 0 ? NULL : &fctrls[i];
	int32_t v;

	if (!f) {
		errno = EINVAL;
		return -1;
	}
	if ((f->flags & V4L2_CTRL_FLAG_READ_ONLY) || ctrl_inactive(c, f)) {
		errno = EACCES;
		return -1;
	}
	if (f->type == V4L2_CTRL_TYPE_BUTTON) {
		if (f->id == V4L2_CID_PAN_RESET)
			c->cval[ctrl_index(c, V4L2_CID_PAN_ABSOLUTE, 0)] = 0;
		return 0;
	}
	if (ctrl_take(f, ct->value, &v) < 0)
		return -1;
	c->cval[i] = v;
	ct->value = v;
	return 0;
}

/* The control ioctls, with g.lock taken: the values are the camera's,
 * shared by its fds. */
static int ctrl_ioctl(struct cam *c, unsigned long req, void *arg)
{
	int r;

	pthread_mutex_lock(&g.lock);
	r = req == VIDIOC_QUERYCTRL ? queryctrl(c, arg) :
	    req == VIDIOC_QUERYMENU ? querymenu(c, arg) :
	    req == VIDIOC_G_CTRL ? g_ctrl(c, arg) : s_ctrl(c, arg);
	pthread_mutex_unlock(&g.lock);
	if (req == VIDIOC_S_CTRL && g.ctrl_ms > 0) {
		struct timespec ts = { g.ctrl_ms / 1000,
				       g.ctrl_ms % 1000 * 1000000 };

		nanosleep(&ts, NULL);
	}
	return r;
}

/* c's brightness away from its default, to add to the luma. */
static int bright_delta(const struct cam *c)
{
	int d;

	pthread_mutex_lock(&g.lock);
	d = c->noctrls ? 0 : cval(c, V4L2_CID_BRIGHTNESS) - 128;
	pthread_mutex_unlock(&g.lock);
	return d;
}

/* One KEY=VALUE of a FAKECAM_DEVICES spec into c. */
static void parse_opt(struct cam *c, char *o)
{
	char *v = strchr(o, '=');

	if (v)
		*v++ = '\0';
	if (!v || !*v) {
		fprintf(stderr, "fakecam: %s: %s without a value\n", c->path,
			o);
	} else if (strcmp(o, "modes") == 0) {
		c->nmodes = 0;
		parse_modes(c, v, '+');
		if (c->nmodes == 0)
			parse_modes(c, "yuyv:640x480@30", '+');
	} else if (strcmp(o, "unplug_after") == 0) {
		c->unplug_after = strtol(v, NULL, 10);
	} else if (strcmp(o, "unplug_ms") == 0) {
		c->unplug_ms = strtol(v, NULL, 10);
	} else if (strcmp(o, "missing") == 0) {
		c->missing_ms = strtol(v, NULL, 10);
	} else if (strcmp(o, "ctrls") == 0) {
		c->noctrls = strtol(v, NULL, 10) == 0;
	} else if (strcmp(o, "replug_as") == 0 && *v == '/') {
		snprintf(c->replug_as, sizeof(c->replug_as), "%s", v);
	} else if (strcmp(o, "id") == 0 && !strchr(v, '/')) {
		snprintf(c->byid, sizeof(c->byid), BYID_DIR "%s", v);
	} else {
		fprintf(stderr, "fakecam: %s: bad setting %s=%s\n", c->path,
			o, v);
	}
}

/* FAKECAM_DEVICES: SPEC;SPEC;..., each PATH[,KEY=VALUE]..., into
 * g.cams[], each starting from the settings in def. */
static void parse_devices(const char *s, const struct cam *def)
{
	char *all = strdup(s), *spec, *o, *save, *save2;
	struct cam *c;

	for (spec = all ? strtok_r(all, ";", &save) : NULL; spec;
	     spec = strtok_r(NULL, ";", &save)) {
		o = strtok_r(spec, ",", &save2);
		if (!o || *o != '/' || g.ncams == MAX_CAMS) {
			fprintf(stderr, "fakecam: FAKECAM_DEVICES: %s %s\n",
				o && *o == '/' ? "too many, ignored" :
				"not a path", o ? o : "");
			continue;
		}
		c = &g.cams[g.ncams];
		*c = *def;
		c->index = g.ncams++;
		snprintf(c->path, sizeof(c->path), "%s", o);
		while ((o = strtok_r(NULL, ",", &save2)))
			parse_opt(c, o);
	}
	free(all);
}

static void init(void)
{
	struct cam def;
	const char *s;
	int i;

	pthread_once(&once_syms, init_syms);
	/* The single camera, and what every camera of FAKECAM_DEVICES has
	 * unless its spec says otherwise. */
	memset(&def, 0, sizeof(def));
	s = getenv("FAKECAM_DEVICE");
	snprintf(def.path, sizeof(def.path), "%s",
		 s && *s ? s : "/dev/video0");
	s = getenv("FAKECAM_MODES");
	parse_modes(&def, s && *s ? s : "yuyv:640x480@30,yuyv:1280x720@10,"
		    "mjpeg:1280x720@30,mjpeg:640x480@30", ',');
	if (def.nmodes == 0)
		parse_modes(&def, "yuyv:640x480@30", ',');
	def.unplug_after = env_long("FAKECAM_UNPLUG_AFTER", 0);
	def.unplug_ms = env_long("FAKECAM_UNPLUG_MS", -1);
	def.missing_ms = env_long("FAKECAM_MISSING", 0);
	def.noctrls = env_long("FAKECAM_CTRLS", 1) == 0;
	s = getenv("FAKECAM_DEVICES");
	if (s && *s)
		parse_devices(s, &def);
	else
		g.cams[g.ncams++] = def;
	for (i = 0; i < g.ncams; i++)
		ctrls_reset(&g.cams[i]);
	g.drop = env_long("FAKECAM_DROP", 0);
	s = getenv("FAKECAM_CORRUPT");
	if (s && *s == '%')
		g.corrupt_every = strtol(s + 1, NULL, 10);
	else if (s && *s)
		g.corrupt_at = strtol(s, NULL, 10);
	g.nodht = env_long("FAKECAM_NODHT", 0) != 0;
	g.wrong_size = env_long("FAKECAM_WRONG_SIZE", 0);
	g.debug = env_long("FAKECAM_DEBUG", 0) != 0;
	g.still = env_long("FAKECAM_STILL", -1);
	g.ctrl_ms = env_long("FAKECAM_CTRL_MS", 0);
	s = getenv("FAKECAM_DUMP");
	snprintf(g.dump, sizeof(g.dump), "%s", s ? s : "");
	g.start_ms = now_ms();
}

__attribute__((constructor)) static void fakecam_init(void)
{
	pthread_once(&once, init);
}

/* Is c plugged in right now? Called with g.lock held. */
static int present(const struct cam *c)
{
	int64_t t = now_ms();

	if (c->missing_ms < 0 || t - g.start_ms < c->missing_ms)
		return 0;
	if (c->unplug_t && (c->unplug_ms < 0 || t - c->unplug_t <
			    c->unplug_ms))
		return 0;
	return 1;
}

static struct fdev *dev_get(int fd)
{
	struct fdev *d;

	pthread_once(&once_syms, init_syms);
	if (fd < 0 || __atomic_load_n(&g.ndevs, __ATOMIC_ACQUIRE) == 0)
		return NULL;
	pthread_mutex_lock(&g.lock);
	for (d = g.devs; d && d->fd != fd; d = d->next)
		;
	pthread_mutex_unlock(&g.lock);
	return d;
}

/* ---- Pictures ---- */

static const unsigned char font[10][7] = {
	{ 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e },
	{ 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e },
	{ 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f },
	{ 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e },
	{ 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 },
	{ 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e },
	{ 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e },
	{ 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 },
	{ 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e },
	{ 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c },
};

/* Which ramp tints red, green and blue, per camera index (mod 6): the
 * first camera's as always, the others' in the other orders. */
static const unsigned char tints[6][3] = {
	{ 0, 1, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 0, 2, 1 }, { 2, 1, 0 },
	{ 1, 0, 2 }
};

/* The background, periodic in w so that scrolling wraps seamlessly:
 * a diagonal gradient on top, hard-edged bars in the middle, a
 * checkerboard below, fixed noise everywhere, tinted by colour ramps
 * across and down (in an order of the camera index's). Drawn in RGB and
 * turned into Y'CbCr (BT.601, studio range) with each pair of pixels
 * sharing its mean chroma, as a camera does: every colour is one a
 * sensor can see, none out of gamut. */
static unsigned char *make_bg(int w, int h, int index)
{
	size_t stride = (size_t)w * 4;
	unsigned char *bg = malloc(stride * (size_t)h), *p;
	const unsigned char *tint = tints[index % 6];
	unsigned seed = 12345;
	int x, y, i, L, t[3], rgb[2][3], bar = w / 8 > 0 ? w / 8 : 1,
	    sq = h / 12 > 0 ? h / 12 : 1;

	if (!bg)
		return NULL;
	for (y = 0; y < h; y++) {
		p = bg + stride * (size_t)y;
		for (x = 0; x < w; x++) {
			int *c = rgb[x % 2];

			if (y < h / 3)
				L = (x + y) * 255 / (w + h / 3);
			else if (y < 2 * h / 3)
				L = (x / bar) % 2 ? 215 : 40 + y % 32;
			else
				L = ((x / sq) + (y / sq)) % 2 ? 192 : 64;
			seed = seed * 1103515245 + 12345;
			L += (int)(seed >> 16 & 15) - 8;
			/* tints between a half and all of L */
			t[0] = L * (128 + x * 127 / w) / 255;
			t[1] = L * (128 + y * 127 / h) / 255;
			t[2] = L * (255 - x * 127 / w) / 255;
			for (i = 0; i < 3; i++) {
				c[i] = t[tint[i]];
				c[i] = c[i] < 0 ? 0 : c[i] > 255 ? 255 : c[i];
			}
			p[2 * x] = (unsigned char)(16 + (66 * c[0] + 129 * c[1]
					       + 25 * c[2] + 128) / 256);
			if (x % 2 == 0) {
				p[2 * x + 1] = 128;	/* an odd width's last */
				continue;
			}
			{
				int r = rgb[0][0] + rgb[1][0],
				    g = rgb[0][1] + rgb[1][1],
				    b2 = rgb[0][2] + rgb[1][2];

				p[2 * x - 1] = (unsigned char)(128 + (-38 * r -
					74 * g + 112 * b2 + 256) / 512);
				p[2 * x + 1] = (unsigned char)(128 + (112 * r -
					94 * g - 18 * b2 + 256) / 512);
			}
		}
		memcpy(p + (size_t)w * 2, p, (size_t)w * 2);
	}
	return bg;
}

/* Draws n as nd digits, white on black, into a YUYV picture, the box's
 * top left corner at (8, top); returns the box's height, 0 if it does not
 * fit. */
static int draw_number(unsigned char *p, size_t stride, int w, int h,
		       int top, unsigned long n, int nd)
{
	int s = h / 100 > 1 ? h / 100 : 1, i, r, c, x, y, d;
	int bw = (nd * 6 + 1) * s, bh = 9 * s;

	if (bw + 8 > w || bh + top > h)
		return 0;
	for (y = 0; y < bh; y++)
		for (x = 0; x < bw; x++) {
			unsigned char *q = p + (size_t)(top + y) * stride +
					   (size_t)(8 + x) * 2;

			q[0] = 16;
			q[1] = 128;
		}
	for (i = nd - 1; i >= 0; i--, n /= 10) {
		d = (int)(n % 10);
		for (r = 0; r < 7; r++)
			for (c = 0; c < 5; c++) {
				if (!(font[d][r] >> (4 - c) & 1))
					continue;
				for (y = 0; y < s; y++)
					for (x = 0; x < s; x++)
						p[(size_t)(top + s + r * s +
						  y) * stride + (size_t)(8 + s +
						  (i * 6 + c) * s + x) * 2] =
							235;
			}
	}
	return bh;
}

/* Frame n: the background scrolled left by 4 pixels a frame, the frame
 * number on it and, below, the camera's number (but the first's). */
static void render_yuyv(const struct pics *pc, unsigned char *dst,
			unsigned long n)
{
	size_t row = (size_t)pc->w * 2, off = (size_t)(n * 4 % (size_t)pc->w);
	int y;

	off &= ~(size_t)1;	/* whole YUYV macropixels */
	for (y = 0; y < pc->h; y++)
		memcpy(dst + row * (size_t)y,
		       pc->bg + row * 2 * (size_t)y + off * 2, row);
	y = draw_number(dst, row, pc->w, pc->h, 8, n, 6);
	if (pc->index > 0 && y > 0)
		draw_number(dst, row, pc->w, pc->h, 8 + y + y / 3,
			    (unsigned long)pc->index + 1, 2);
}

/* Removes every DHT segment before SOS, in place; returns the length. */
static size_t strip_dht(unsigned char *p, size_t len)
{
	size_t i = 2, n;

	while (i + 4 <= len && p[i] == 0xff && p[i + 1] != 0xda) {
		n = 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
		if (n > len - i)
			break;
		if (p[i + 1] == 0xc4) {
			memmove(p + i, p + i + n, len - i - n);
			len -= n;
		} else {
			i += n;
		}
	}
	return len;
}

/* A YUYV picture of ysz pixels into 4:2:2 planes: Y, then U, then V. */
static void split_422(const unsigned char *yuyv, unsigned char *pl,
		      size_t ysz)
{
	size_t i;

	for (i = 0; i < ysz / 2; i++) {
		pl[2 * i] = yuyv[4 * i];
		pl[ysz + i] = yuyv[4 * i + 1];
		pl[2 * i + 1] = yuyv[4 * i + 2];
		pl[ysz + ysz / 2 + i] = yuyv[4 * i + 3];
	}
}

/* Brightness: delta added to every luma sample of a YUYV picture. */
static void add_luma(unsigned char *p, size_t len, int delta)
{
	size_t i;
	int v;

	for (i = 0; i < len; i += 2) {
		v = p[i] + delta;
		p[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
}

static int encode_cycle(struct pics *pc)
{
	size_t ysz = (size_t)pc->w * (size_t)pc->h;
	unsigned char *yuyv = malloc(ysz * 2), *pl = malloc(ysz * 2);
	const unsigned char *planes[3];
	int strides[3] = { pc->w, pc->w / 2, pc->w / 2 }, k, ok = 0;
	tjhandle tj = tjInitCompress();
	unsigned char *out;
	unsigned long olen;

	planes[0] = pl;
	planes[1] = pl + ysz;
	planes[2] = pl + ysz + ysz / 2;
	if (!yuyv || !pl || !tj)
		goto out;
	for (k = 0; k < MJPEG_CYCLE; k++) {
		render_yuyv(pc, yuyv, (unsigned long)k);
		split_422(yuyv, pl, ysz);
		out = NULL;
		olen = 0;
		if (tjCompressFromYUVPlanes(tj, planes, pc->w, strides, pc->h,
					    TJSAMP_422, &out, &olen, 85, 0) < 0) {
			fprintf(stderr, "fakecam: %s\n", tjGetErrorStr2(tj));
			tjFree(out);
			goto out;
		}
		pc->jpg[k] = malloc(olen);
		if (!pc->jpg[k]) {
			tjFree(out);
			goto out;
		}
		memcpy(pc->jpg[k], out, olen);
		pc->jlen[k] = g.nodht ? strip_dht(pc->jpg[k], olen) : olen;
		tjFree(out);
	}
	ok = 1;
out:
	if (tj)
		tjDestroy(tj);
	free(yuyv);
	free(pl);
	return ok ? 0 : -1;
}

/* Camera index's pictures for w x h, made on first use (in the fakecam
 * thread that first needs them; another one that does waits). Making
 * one camera's JPEGs does not hold up the other cameras. */
static struct pics *get_pics(int w, int h, int index, int need_jpeg)
{
	struct pics *pc;
	int ok;

	pthread_mutex_lock(&g.pics_lock);
	for (pc = g.pics; pc && !(pc->w == w && pc->h == h &&
				  pc->index == index); pc = pc->next)
		;
	if (!pc && (pc = calloc(1, sizeof(*pc)))) {
		pc->w = w;
		pc->h = h;
		pc->index = index;
		pthread_mutex_init(&pc->lock, NULL);
		pc->next = g.pics;
		g.pics = pc;
	}
	pthread_mutex_unlock(&g.pics_lock);
	if (!pc)
		return NULL;
	pthread_mutex_lock(&pc->lock);
	if (!pc->bg)
		pc->bg = make_bg(w, h, index);
	ok = pc->bg && (!need_jpeg || pc->jpg[0] || encode_cycle(pc) == 0);
	pthread_mutex_unlock(&pc->lock);
	return ok ? pc : NULL;
}

/* ---- The camera thread ---- */

/* One byte per finished buffer: never more than MAX_BUFS, so the pipe
 * never fills. */
static void ev_post(struct fdev *d)
{
	if (d->wfd >= 0 && write(d->wfd, "", 1) < 0) {
		/* cannot happen: see above */
	}
}

static int dead(const struct fdev *d)
{
	return d->gen != __atomic_load_n(&d->cam->plug_gen, __ATOMIC_ACQUIRE);
}

/* Makes the SOF of the JPEG p[0..len) claim w x h. */
static void forge_sof(unsigned char *p, size_t len, int w, int h)
{
	size_t i = 2;

	while (i + 9 <= len && p[i] == 0xff && p[i + 1] != 0xc0)
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	if (i + 9 > len || p[i] != 0xff)
		return;
	p[i + 5] = (unsigned char)(h >> 8);
	p[i + 6] = (unsigned char)h;
	p[i + 7] = (unsigned char)(w >> 8);
	p[i + 8] = (unsigned char)w;
}

static void dump_frame(const unsigned char *p, size_t len)
{
	FILE *f = fopen(g.dump, "wb");

	if (!f || fwrite(p, 1, len, f) != len)
		fprintf(stderr, "fakecam: cannot write %s\n", g.dump);
	if (f)
		fclose(f);
}

/* A camera thread's own encoder, for MJPEG frames that are not the
 * ready-made ones (brightness away from its default). */
struct enc {
	tjhandle tj;
	unsigned char *yuyv, *pl;
};

static void enc_free(struct enc *e)
{
	if (e->tj)
		tjDestroy(e->tj);
	free(e->yuyv);
	free(e->pl);
	memset(e, 0, sizeof(*e));
}

/* Picture k with its luma moved by delta, encoded now into p (at most cap
 * bytes) as the camera's own encoder would. Its length, 0 if it fails. */
static size_t encode_now(struct enc *e, const struct pics *pc,
			 unsigned long k, int delta, unsigned char *p,
			 size_t cap)
{
	size_t ysz = (size_t)pc->w * (size_t)pc->h, len;
	const unsigned char *planes[3];
	int strides[3] = { pc->w, pc->w / 2, pc->w / 2 };
	unsigned char *out = NULL;
	unsigned long olen = 0;

	if (!e->tj) {
		e->tj = tjInitCompress();
		e->yuyv = malloc(ysz * 2);
		e->pl = malloc(ysz * 2);
	}
	if (!e->tj || !e->yuyv || !e->pl)
		return 0;
	render_yuyv(pc, e->yuyv, k);
	add_luma(e->yuyv, ysz * 2, delta);
	split_422(e->yuyv, e->pl, ysz);
	planes[0] = e->pl;
	planes[1] = e->pl + ysz;
	planes[2] = e->pl + ysz + ysz / 2;
	if (tjCompressFromYUVPlanes(e->tj, planes, pc->w, strides, pc->h,
				    TJSAMP_422, &out, &olen, 85, 0) < 0) {
		tjFree(out);
		return 0;
	}
	len = olen < cap ? olen : cap;
	memcpy(p, out, len);
	tjFree(out);
	return g.nodht ? strip_dht(p, len) : len;
}

/* Fills buffer b with frame n (the camera's count, from 1); half: the
 * pictures at half size, for FAKECAM_WRONG_SIZE; e: for frames that must
 * be encoded now. */
static void fill(struct fdev *d, struct pics *pc, struct pics *half,
		 struct enc *e, struct buf *b, unsigned long n)
{
	int delta = bright_delta(d->cam);
	unsigned char *p = d->mem + (size_t)b->v.index * d->bufsize;
	int broken = (g.corrupt_at > 0 && (long)n == g.corrupt_at) ||
		     (g.corrupt_every > 0 && n % (unsigned long)
		      g.corrupt_every == 0);
	size_t len;
	unsigned long pic = g.still >= 0 ? (unsigned long)g.still : n;

	if (d->cur.fmt == V4L2_PIX_FMT_MJPEG) {
		size_t k = pic % MJPEG_CYCLE;
		int wrong = g.wrong_size > 0 &&
			    n % (unsigned long)g.wrong_size == 0;

		if (wrong && half && n / (unsigned long)g.wrong_size % 2)
			pc = half;
		len = pc->jlen[k] < d->sizeimage ? pc->jlen[k] : d->sizeimage;
		if (delta && pc != half)
			len = encode_now(e, pc, k, delta, p, d->sizeimage);
		else
			memcpy(p, pc->jpg[k], len);
		if (wrong && pc != half)
			forge_sof(p, len, 65000, 65000);
		if (broken && n % 2) {
			len /= 2;		/* a transfer cut short */
		} else if (broken && len > 64) {
			p[len / 2] = 0xff;	/* garbage in the scan */
			p[len / 2 + 1] = 0x12;
		}
	} else {
		render_yuyv(pc, p, pic);
		len = d->sizeimage;
		if (delta)
			add_luma(p, len, delta);
		if (g.dump[0] && !__atomic_exchange_n(&g.dumped, 1,
						      __ATOMIC_ACQ_REL))
			dump_frame(p, len);
		if (broken)
			len /= 2;
	}
	b->v.bytesused = (uint32_t)len;
}

static void *cam_thread(void *arg)
{
	struct fdev *d = arg;
	struct cam *c = d->cam;
	struct pics *pc, *half = NULL;
	struct timespec next, now;
	struct enc enc = { NULL, NULL, NULL };
	struct buf *b;
	unsigned long n;
	long interval;
	int unplug;

	pthread_setname_np(pthread_self(), "fakecam");
	pc = get_pics(d->cur.w, d->cur.h, c->index,
		      d->cur.fmt == V4L2_PIX_FMT_MJPEG);
	if (g.wrong_size > 0 && d->cur.fmt == V4L2_PIX_FMT_MJPEG)
		half = get_pics(d->cur.w / 2 & ~1, d->cur.h / 2, c->index, 1);
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&d->lock);
	interval = 1000000000L / d->fps;
	for (;;) {
		/* Sleep to the next frame time, unless told to stop. */
		next.tv_nsec += interval;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (!d->stop &&
		       pthread_cond_timedwait(&d->cond, &d->lock, &next) == 0)
			;
		if (d->stop)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > next.tv_sec + 1)
			next = now;	/* fell far behind: don't race */
		d->sequence++;

		/* Unplugged: wake the reader, whose DQBUF then fails. */
		pthread_mutex_lock(&g.lock);
		unplug = c->unplug_after > 0 && !c->unplug_t &&
			 (long)c->frames >= c->unplug_after;
		if (unplug) {
			c->unplug_t = now_ms();
			__atomic_add_fetch(&c->plug_gen, 1, __ATOMIC_RELEASE);
			ctrls_reset(c);
		}
		pthread_mutex_unlock(&g.lock);
		if (dead(d)) {
			g.close(d->wfd);	/* readers see POLLHUP */
			d->wfd = -1;
			break;
		}
		if (!pc || (g.drop > 0 && d->sequence % g.drop == 0) ||
		    d->nq == 0)
			continue;	/* dropped, or no buffer: lost */

		b = &d->bufs[d->qhead[0]];
		memmove(d->qhead, d->qhead + 1, --d->nq * sizeof(d->qhead[0]));
		pthread_mutex_lock(&g.lock);
		n = ++c->frames;
		pthread_mutex_unlock(&g.lock);
		pthread_mutex_unlock(&d->lock);

		/* The buffer is ours alone until it is marked done. */
		fill(d, pc, half, &enc, b, n);
		clock_gettime(CLOCK_MONOTONIC, &now);

		pthread_mutex_lock(&d->lock);
		b->v.timestamp.tv_sec = now.tv_sec;
		b->v.timestamp.tv_usec = now.tv_nsec / 1000;
		b->v.sequence = d->sequence;
		b->state = B_DONE;
		d->dhead[d->nd++] = b->v.index;
		ev_post(d);
	}
	pthread_mutex_unlock(&d->lock);
	enc_free(&enc);
	return NULL;
}

/* ---- The V4L2 device ---- */

/* The node c lives at now: replug_as once it has been unplugged.
 * g.lock held. */
static const char *cam_node(const struct cam *c)
{
	return c->unplug_t && c->replug_as[0] ? c->replug_as : c->path;
}

/* The camera path names, or NULL: a path that is not ours, for libc.
 * *live: 1 if path is where the camera lives now (its node or its by-id
 * link), 0 if it is a node the camera has left or not come to yet
 * (replug_as), absent whether it is plugged in or not. g.lock held. */
static struct cam *cam_at(const char *path, int *live)
{
	struct cam *c;
	int i;

	for (i = 0; i < g.ncams; i++) {
		c = &g.cams[i];
		if (strcmp(path, cam_node(c)) == 0 ||
		    (c->byid[0] && strcmp(path, c->byid) == 0)) {
			*live = 1;
			return c;
		}
	}
	for (i = 0; i < g.ncams; i++) {
		c = &g.cams[i];
		if (strcmp(path, c->path) == 0 ||
		    (c->replug_as[0] && strcmp(path, c->replug_as) == 0)) {
			*live = 0;
			return c;
		}
	}
	return NULL;
}

static int is_fake(const char *path)
{
	int r, live;

	pthread_once(&once, init);
	if (!path)
		return 0;
	pthread_mutex_lock(&g.lock);
	r = cam_at(path, &live) != NULL;
	pthread_mutex_unlock(&g.lock);
	return r;
}

/* The camera at path if it is there now, with its plug generation in
 * *gen; else NULL with errno ENOENT. */
static struct cam *cam_here(const char *path, unsigned *gen)
{
	struct cam *c;
	int live = 0;

	pthread_mutex_lock(&g.lock);
	c = cam_at(path, &live);
	if (c && !(live && present(c)))
		c = NULL;
	if (c)
		*gen = c->plug_gen;
	pthread_mutex_unlock(&g.lock);
	if (!c)
		errno = ENOENT;
	return c;
}

static int fake_open(const char *path, int flags)
{
	struct fdev *d;
	struct cam *c;
	unsigned gen;
	int p[2], e;

	c = cam_here(path, &gen);
	if (!c)
		return -1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		e = errno;
		free(d);
		errno = e;
		return -1;
	}
	if (fcntl(p[0], F_SETFD, flags & O_CLOEXEC ? FD_CLOEXEC : 0) < 0 ||
	    fcntl(p[0], F_SETFL, flags & O_NONBLOCK) < 0 ||
	    fcntl(p[1], F_SETFL, O_NONBLOCK) < 0) {
		e = errno;
		g.close(p[0]);
		g.close(p[1]);
		free(d);
		errno = e;
		return -1;
	}
	d->cam = c;
	d->gen = gen;	/* unplugged since the check: dead at once */
	d->fd = p[0];
	d->wfd = p[1];
	d->memfd = -1;
	d->cur = c->modes[0];
	d->fps = d->cur.fps;
	pthread_mutex_init(&d->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&d->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	pthread_mutex_lock(&g.lock);
	d->next = g.devs;
	g.devs = d;
	__atomic_add_fetch(&g.ndevs, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&g.lock);
	return d->fd;
}

static void stream_off(struct fdev *d)
{
	unsigned i;
	char v;

	if (d->streaming) {
		d->stop = 1;
		pthread_cond_signal(&d->cond);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
		pthread_mutex_lock(&d->lock);
		d->streaming = 0;
		d->stop = 0;
	}
	/* Take back the bytes that stand for done buffers. */
	for (i = 0; i < d->nd; i++)
		if (read(d->fd, &v, 1) < 1)
			break;
	d->nq = d->nd = 0;
	for (i = 0; i < d->nbufs; i++)
		d->bufs[i].state = B_DEQUEUED;
}

static void free_bufs(struct fdev *d)
{
	if (d->mem)
		munmap(d->mem, d->bufsize * d->nbufs);
	d->mem = NULL;
	if (d->memfd >= 0)
		g.close(d->memfd);
	d->memfd = -1;
	d->nbufs = 0;
}

/* Forgets fd; the caller then closes it for real. */
static void fake_close(struct fdev *d)
{
	struct fdev **pp;

	pthread_mutex_lock(&g.lock);
	for (pp = &g.devs; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp) {
		*pp = d->next;
		__atomic_sub_fetch(&g.ndevs, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&g.lock);
	pthread_mutex_lock(&d->lock);
	stream_off(d);
	free_bufs(d);
	if (d->wfd >= 0)
		g.close(d->wfd);
	d->wfd = -1;
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}

/* The rates c offers for (fmt, w, h), highest first; returns how many. */
static int rates(const struct cam *c, uint32_t fmt, int w, int h,
		 int out[16])
{
	static const int std[] = { 30, 25, 20, 15, 10, 5 };
	int n = 0, i, j, k, r, dup, t;

	for (i = 0; i < c->nmodes; i++) {
		const struct mode *m = &c->modes[i];

		if (m->fmt != fmt || m->w != w || m->h != h)
			continue;
		for (j = -1; j < (int)(sizeof(std) / sizeof(std[0])); j++) {
			r = j < 0 ? m->fps : std[j];
			if (r > m->fps || n == 16)
				continue;
			for (dup = 0, k = 0; k < n; k++)
				dup |= out[k] == r;
			if (!dup)
				out[n++] = r;
		}
	}
	for (i = 1; i < n; i++)		/* insertion sort, descending */
		for (k = i; k > 0 && out[k] > out[k - 1]; k--) {
			t = out[k];
			out[k] = out[k - 1];
			out[k - 1] = t;
		}
	return n;
}

static int offers(const struct cam *c, uint32_t fmt)
{
	int i;

	for (i = 0; i < c->nmodes; i++)
		if (c->modes[i].fmt == fmt)
			return 1;
	return 0;
}

/* As UVC does: an unknown format becomes the first one, the size snaps
 * to the nearest offered, the rate to that size's fastest. */
static void snap(const struct cam *c, struct v4l2_pix_format *pix,
		 struct mode *m)
{
	uint32_t fmt = offers(c, pix->pixelformat) ? pix->pixelformat
						    : c->modes[0].fmt;
	long best = -1, dist;
	int i;

	for (i = 0; i < c->nmodes; i++) {
		const struct mode *o = &c->modes[i];

		if (o->fmt != fmt)
			continue;
		dist = labs((long)o->w - (long)pix->width) +
		       labs((long)o->h - (long)pix->height);
		if (best < 0 || dist < best ||
		    (dist == best && o->fps > m->fps)) {
			best = dist;
			*m = *o;
		}
	}
	memset(pix, 0, sizeof(*pix));
	pix->width = (uint32_t)m->w;
	pix->height = (uint32_t)m->h;
	pix->pixelformat = m->fmt;
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = m->fmt == V4L2_PIX_FMT_YUYV ? (uint32_t)m->w * 2
							 : 0;
	pix->sizeimage = (uint32_t)m->w * (uint32_t)m->h * 2;
	pix->colorspace = V4L2_COLORSPACE_SRGB;
}

static int alloc_bufs(struct fdev *d, unsigned count)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), total;
	unsigned i;

	d->sizeimage = (size_t)d->cur.w * (size_t)d->cur.h * 2;
	d->bufsize = (d->sizeimage + page - 1) / page * page;
	total = d->bufsize * count;
	d->memfd = memfd_create("fakecam", MFD_CLOEXEC);
	if (d->memfd < 0)
		return -1;
	if (ftruncate(d->memfd, (off_t)total) < 0)
		goto err;
	d->mem = g.mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED,
			d->memfd, 0);
	if (d->mem == MAP_FAILED) {
		d->mem = NULL;
		goto err;
	}
	d->nbufs = count;
	for (i = 0; i < count; i++) {
		struct v4l2_buffer *v = &d->bufs[i].v;

		memset(&d->bufs[i], 0, sizeof(d->bufs[i]));
		v->index = i;
		v->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		v->memory = V4L2_MEMORY_MMAP;
		v->length = (uint32_t)d->sizeimage;
		v->m.offset = (uint32_t)(d->bufsize * i);
		v->field = V4L2_FIELD_NONE;
	}
	return 0;
err:
	free_bufs(d);
	errno = ENOMEM;
	return -1;
}

static void report_buf(const struct fdev *d, const struct buf *b,
		       struct v4l2_buffer *out)
{
	*out = b->v;
	out->flags = V4L2_BUF_FLAG_MAPPED | V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
	if (b->state == B_QUEUED)
		out->flags |= V4L2_BUF_FLAG_QUEUED;
	if (b->state == B_DONE)
		out->flags |= V4L2_BUF_FLAG_DONE;
	if (b->state != B_DONE)
		out->bytesused = 0;
	(void)d;
}

static int dqbuf(struct fdev *d, struct v4l2_buffer *v)
{
	struct buf *b;
	ssize_t r;
	char one;

	if (v->type != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
	    v->memory != V4L2_MEMORY_MMAP) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	if (!d->streaming) {
		pthread_mutex_unlock(&d->lock);
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_unlock(&d->lock);
	/* Outside the lock: a blocking fd waits here for the thread. */
	r = read(d->fd, &one, 1);
	if (r < 0)
		return -1;	/* EAGAIN when nothing is done yet */
	pthread_mutex_lock(&d->lock);
	if (r == 0 || dead(d) || d->nd == 0) {
		int gone = r == 0 || dead(d);

		pthread_mutex_unlock(&d->lock);
		errno = gone ? ENODEV : EINVAL;
		return -1;
	}
	b = &d->bufs[d->dhead[0]];
	memmove(d->dhead, d->dhead + 1, --d->nd * sizeof(d->dhead[0]));
	report_buf(d, b, v);
	b->state = B_DEQUEUED;
	v->flags &= ~(uint32_t)V4L2_BUF_FLAG_DONE;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void debug_ioctl(unsigned long req)
{
	if (g.debug)
		fprintf(stderr, "fakecam: unhandled ioctl 0x%08lx (type '%c' "
			"nr %lu)\n", req, (char)_IOC_TYPE(req), _IOC_NR(req));
}

/* Everything but DQBUF, with d->lock held. 0 or -1 with errno. */
static int do_ioctl(struct fdev *d, unsigned long req, void *arg)
{
	struct cam *c = d->cam;

	switch (req) {
	case VIDIOC_QUERYCAP: {
		struct v4l2_capability *cap = arg;

		memset(cap, 0, sizeof(*cap));
		snprintf((char *)cap->driver, sizeof(cap->driver), "fakecam");
		if (c->index == 0)
			snprintf((char *)cap->card, sizeof(cap->card),
				 "Fake Camera");
		else
			snprintf((char *)cap->card, sizeof(cap->card),
				 "Fake Camera %d", c->index + 1);
		snprintf((char *)cap->bus_info, sizeof(cap->bus_info),
			 "usb-fakecam-%d", c->index + 1);
		cap->version = 6 << 16 | 1 << 8;
		cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
		cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
		return 0;
	}
	case VIDIOC_ENUM_FMT: {
		struct v4l2_fmtdesc *f = arg;
		uint32_t seen[MAX_MODES], idx = f->index;
		int n = 0, i, k, dup;

		if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
			break;
		for (i = 0; i < c->nmodes; i++) {
			for (dup = 0, k = 0; k < n; k++)
				dup |= seen[k] == c->modes[i].fmt;
			if (!dup)
				seen[n++] = c->modes[i].fmt;
		}
		if (idx >= (uint32_t)n)
			break;
		memset(f, 0, sizeof(*f));
		f->index = idx;
		f->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		f->pixelformat = seen[idx];
		if (seen[idx] == V4L2_PIX_FMT_MJPEG) {
			f->flags = V4L2_FMT_FLAG_COMPRESSED;
			snprintf((char *)f->description,
				 sizeof(f->description), "Motion-JPEG");
		} else {
			snprintf((char *)f->description,
				 sizeof(f->description), "YUYV 4:2:2");
		}
		return 0;
	}
	case VIDIOC_ENUM_FRAMESIZES: {
		struct v4l2_frmsizeenum *s = arg;
		uint32_t n = 0;
		int i, k, dup;

		for (i = 0; i < c->nmodes; i++) {
			const struct mode *m = &c->modes[i];

			if (m->fmt != s->pixel_format)
				continue;
			for (dup = 0, k = 0; k < i; k++)
				dup |= c->modes[k].fmt == m->fmt &&
				       c->modes[k].w == m->w &&
				       c->modes[k].h == m->h;
			if (dup || n++ != s->index)
				continue;
			s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
			s->discrete.width = (uint32_t)m->w;
			s->discrete.height = (uint32_t)m->h;
			return 0;
		}
		break;
	}
	case VIDIOC_ENUM_FRAMEINTERVALS: {
		struct v4l2_frmivalenum *f = arg;
		int r[16], n = rates(c, f->pixel_format, (int)f->width,
				     (int)f->height, r);

		if (f->index >= (uint32_t)n)
			break;
		f->type = V4L2_FRMIVAL_TYPE_DISCRETE;
		f->discrete.numerator = 1;
		f->discrete.denominator = (uint32_t)r[f->index];
		return 0;
	}
	case VIDIOC_G_FMT:
	case VIDIOC_TRY_FMT:
	case VIDIOC_S_FMT: {
		struct v4l2_format *f = arg;
		struct mode m = d->cur;

		if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
			break;
		if (req == VIDIOC_S_FMT && d->nbufs) {
			errno = EBUSY;
			return -1;
		}
		if (req == VIDIOC_G_FMT) {
			f->fmt.pix.width = (uint32_t)m.w;
			f->fmt.pix.height = (uint32_t)m.h;
			f->fmt.pix.pixelformat = m.fmt;
		}
		snap(c, &f->fmt.pix, &m);
		if (req == VIDIOC_S_FMT) {
			d->cur = m;
			d->fps = m.fps;
		}
		return 0;
	}
	case VIDIOC_G_PARM:
	case VIDIOC_S_PARM: {
		struct v4l2_streamparm *p = arg;
		struct v4l2_fract *t = &p->parm.capture.timeperframe;
		int r[16], n, i, want, best;

		if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
			break;
		if (req == VIDIOC_S_PARM) {
			if (d->streaming) {
				errno = EBUSY;
				return -1;
			}
			n = rates(c, d->cur.fmt, d->cur.w, d->cur.h, r);
			want = t->numerator && t->denominator ?
			       (int)((t->denominator + t->numerator / 2) /
				     t->numerator) : r[0];
			for (best = r[0], i = 1; i < n; i++)
				if (abs(r[i] - want) < abs(best - want))
					best = r[i];
			d->fps = best;
		}
		memset(&p->parm, 0, sizeof(p->parm));
		p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
		p->parm.capture.readbuffers = d->nbufs;
		t->numerator = 1;
		t->denominator = (uint32_t)d->fps;
		return 0;
	}
	case VIDIOC_REQBUFS: {
		struct v4l2_requestbuffers *rb = arg;
		unsigned count = rb->count;

		if (rb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
		    rb->memory != V4L2_MEMORY_MMAP)
			break;
		if (d->streaming) {
			errno = EBUSY;
			return -1;
		}
		stream_off(d);
		free_bufs(d);
		if (count > MAX_BUFS)
			count = MAX_BUFS;
		if (count && alloc_bufs(d, count) < 0)
			return -1;
		rb->count = count;
		memset(rb->reserved, 0, sizeof(rb->reserved));
		return 0;
	}
	case VIDIOC_QUERYBUF:
	case VIDIOC_QBUF: {
		struct v4l2_buffer *v = arg;
		struct buf *b;

		if (v->type != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
		    v->index >= d->nbufs || v->memory != V4L2_MEMORY_MMAP)
			break;
		b = &d->bufs[v->index];
		if (req == VIDIOC_QBUF) {
			if (b->state != B_DEQUEUED)
				break;
			b->state = B_QUEUED;
			d->qhead[d->nq++] = v->index;
		}
		report_buf(d, b, v);
		return 0;
	}
	case VIDIOC_STREAMON:
		if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
		    d->nbufs == 0)
			break;
		if (d->streaming)
			return 0;
		d->sequence = 0;
		d->stop = 0;
		if ((errno = pthread_create(&d->thread, NULL, cam_thread,
					    d)) != 0)
			return -1;
		d->streaming = 1;
		return 0;
	case VIDIOC_STREAMOFF:
		if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE)
			break;
		stream_off(d);
		return 0;
	case VIDIOC_ENUMINPUT: {
		struct v4l2_input *in = arg;

		if (in->index != 0)
			break;
		memset(in, 0, sizeof(*in));
		snprintf((char *)in->name, sizeof(in->name), "Camera 1");
		in->type = V4L2_INPUT_TYPE_CAMERA;
		return 0;
	}
	case VIDIOC_G_INPUT:
		*(int *)arg = 0;
		return 0;
	case VIDIOC_S_INPUT:
		if (*(int *)arg != 0)
			break;
		return 0;
	case VIDIOC_QUERYCTRL:
	case VIDIOC_QUERYMENU:
	case VIDIOC_G_CTRL:
	case VIDIOC_S_CTRL:
		return ctrl_ioctl(c, req, arg);
	/* The extended control calls are not emulated; a UVC camera has
	 * no TV standards, DV timings or JPEG compression settings at
	 * all. */
	case VIDIOC_QUERY_EXT_CTRL:
	case VIDIOC_G_EXT_CTRLS:
	case VIDIOC_S_EXT_CTRLS:
	case VIDIOC_TRY_EXT_CTRLS:
		break;
	case VIDIOC_QUERYSTD:
	case VIDIOC_G_STD:
	case VIDIOC_S_STD:
	case VIDIOC_ENUMSTD:
	case VIDIOC_G_JPEGCOMP:
	case VIDIOC_S_JPEGCOMP:
	case VIDIOC_QUERY_DV_TIMINGS:
	case VIDIOC_G_DV_TIMINGS:
	case VIDIOC_S_DV_TIMINGS:
	case VIDIOC_EXPBUF:
		errno = ENOTTY;
		return -1;
	default:
		debug_ioctl(req);
		errno = ENOTTY;
		return -1;
	}
	errno = EINVAL;
	return -1;
}

static int fake_ioctl(struct fdev *d, unsigned long req, void *arg)
{
	int r;

	/* The kernel takes the request as 32 bits; callers that pass an
	 * int (µStreamer does) sign-extend it to 0xffffffff8....... */
	req = (unsigned int)req;
	if (dead(d)) {
		errno = ENODEV;
		return -1;
	}
	if (req == VIDIOC_DQBUF)
		return dqbuf(d, arg);
	pthread_mutex_lock(&d->lock);
	r = do_ioctl(d, req, arg);
	pthread_mutex_unlock(&d->lock);
	return r;
}

/* ---- The entry points applications call ---- */

static int open_mode(int flags, va_list ap)
{
	return flags & (O_CREAT | O_TMPFILE) ? va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_fake(path))
		return fake_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return g.open(path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_fake(path))
		return fake_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return g.open(path, flags | O_LARGEFILE, mode);
}

EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

EXPORT int __open64_2(const char *path, int flags)
{
	return open64(path, flags);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_fake(path))
		return fake_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return g.openat(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_fake(path))
		return fake_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return g.openat(dirfd, path, flags | O_LARGEFILE, mode);
}

/* µStreamer checks access() before it opens the device. */
static int fake_access(const char *path)
{
	unsigned gen;

	return cam_here(path, &gen) ? 0 : -1;
}

EXPORT int access(const char *path, int mode)
{
	if (is_fake(path))
		return fake_access(path);
	return g.faccessat(AT_FDCWD, path, mode, 0);
}

EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	if (is_fake(path))
		return fake_access(path);
	return g.faccessat(dirfd, path, mode, flags);
}

/* What path resolves to, as udev's links do: a by-id link to the node
 * its camera lives at now, a node to itself (*link 0). 0, or -1 with
 * ENOENT while the camera is not there. */
static int fake_resolve(const char *path, char node[256], int *link)
{
	struct cam *c;
	int live = 0;

	pthread_mutex_lock(&g.lock);
	c = cam_at(path, &live);
	if (c && live && present(c)) {
		snprintf(node, 256, "%s", cam_node(c));
		*link = c->byid[0] && strcmp(path, c->byid) == 0;
	} else {
		c = NULL;
	}
	pthread_mutex_unlock(&g.lock);
	if (!c)
		errno = ENOENT;
	return c ? 0 : -1;
}

static ssize_t fake_readlink(const char *path, char *buf, size_t size)
{
	char node[256];
	size_t n;
	int link;

	if (fake_resolve(path, node, &link) < 0)
		return -1;
	if (!link) {
		errno = EINVAL;		/* a device node, not a link */
		return -1;
	}
	n = strlen(node) < size ? strlen(node) : size;
	memcpy(buf, node, n);		/* no NUL, as readlink */
	return (ssize_t)n;
}

EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	if (is_fake(path))
		return fake_readlink(path, buf, size);
	return g.readlinkat(AT_FDCWD, path, buf, size);
}

EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf,
			  size_t size)
{
	if (is_fake(path))
		return fake_readlink(path, buf, size);
	return g.readlinkat(dirfd, path, buf, size);
}

/* _FORTIFY_SOURCE's versions, which would bypass the ones above. */
EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t size,
			      size_t buflen)
{
	if (size > buflen)
		abort();
	return readlink(path, buf, size);
}

EXPORT char *realpath(const char *path, char *resolved)
{
	char node[256];
	int link;

	if (!is_fake(path))
		return g.realpath(path, resolved);
	if (fake_resolve(path, node, &link) < 0)
		return NULL;
	if (!resolved)
		return strdup(node);
	return strcpy(resolved, node);	/* PATH_MAX bytes, by contract */
}

EXPORT char *__realpath_chk(const char *path, char *resolved,
			    size_t resolvedlen)
{
	if (resolvedlen < 4096)
		abort();
	return realpath(path, resolved);
}

EXPORT int close(int fd)
{
	struct fdev *d = dev_get(fd);

	if (d)
		fake_close(d);
	return g.close(fd);
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct fdev *d = dev_get(fd);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (d)
		return fake_ioctl(d, req, arg);
	return g.ioctl(fd, req, arg);
}

/* The application maps the memfd that really holds the buffer. */
static void *fake_mmap(struct fdev *d, void *addr, size_t len, int prot,
		       int flags, int64_t off)
{
	int memfd;

	pthread_mutex_lock(&d->lock);
	memfd = d->memfd;
	pthread_mutex_unlock(&d->lock);
	if (memfd < 0 || off < 0 || (uint64_t)off + len >
	    (uint64_t)d->bufsize * d->nbufs) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return g.mmap(addr, len, prot, flags, memfd, (off_t)off);
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	struct fdev *d = dev_get(fd);

	if (d)
		return fake_mmap(d, addr, len, prot, flags, off);
	return g.mmap(addr, len, prot, flags, fd, off);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

EXPORT int v4l2_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_fake(path))
		return fake_open(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	if (g.v4l2_open)
		return g.v4l2_open(path, flags, mode);
	return g.open(path, flags, mode);
}

EXPORT int v4l2_close(int fd)
{
	struct fdev *d = dev_get(fd);

	if (d) {
		fake_close(d);
		return g.close(fd);
	}
	return g.v4l2_close ? g.v4l2_close(fd) : g.close(fd);
}

EXPORT int v4l2_ioctl(int fd, unsigned long req, ...)
{
	struct fdev *d = dev_get(fd);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (d)
		return fake_ioctl(d, req, arg);
	return g.v4l2_ioctl ? g.v4l2_ioctl(fd, req, arg)
			    : g.ioctl(fd, req, arg);
}

EXPORT ssize_t v4l2_read(int fd, void *buf, size_t n)
{
	if (dev_get(fd)) {
		errno = EINVAL;	/* streaming I/O only, like UVC */
		return -1;
	}
	return g.v4l2_read ? g.v4l2_read(fd, buf, n) : read(fd, buf, n);
}

EXPORT void *v4l2_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       int64_t off)
{
	struct fdev *d = dev_get(fd);

	if (d)
		return fake_mmap(d, addr, len, prot, flags, off);
	return g.v4l2_mmap ? g.v4l2_mmap(addr, len, prot, flags, fd, off)
			   : g.mmap(addr, len, prot, flags, fd, (off_t)off);
}

/* Our mappings are plain memfd mappings, so munmap is the real one;
 * libv4l2's version would do the same for addresses it doesn't know. */
EXPORT int v4l2_munmap(void *addr, size_t len)
{
	pthread_once(&once_syms, init_syms);
	return g.v4l2_munmap ? g.v4l2_munmap(addr, len) : munmap(addr, len);
}
