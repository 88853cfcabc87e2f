/* source.h: the interface every picture source implements (the test
 * pattern in pattern.c, the V4L2 camera in capture.c), and the thread
 * that runs one (source.c). A source only produces images; it never
 * encodes and never touches sockets. */
#ifndef SOURCE_H
#define SOURCE_H
#include <stddef.h>
#include <stdint.h>

enum img_fmt {
	IMG_YUV,	/* planar Y, U, V, chroma as subsamp says */
	IMG_YUYV,	/* packed 4:2:2 as V4L2_PIX_FMT_YUYV */
	IMG_MJPEG	/* one JPEG as a camera sends it */
};

struct ctrl_list;

/* One captured image, valid from grab() until release(). */
struct image {
	enum img_fmt fmt;
	int w, h;
	const unsigned char *planes[3];	/* IMG_YUV */
	int strides[3];
	int subsamp;			/* IMG_YUV: TJSAMP_420 or TJSAMP_422 */
	const unsigned char *data;	/* IMG_YUYV (stride in strides[0])
					   and IMG_MJPEG */
	size_t len;
	int64_t ts_us;			/* capture time, CLOCK_REALTIME µs */
};

/* What the source actually delivers, for the log and /state. */
struct source_info {
	char name[64];			/* "test", "v4l2:/dev/video0" */
	char format[16];		/* "yuv420p", "yuv422p", "yuyv", "mjpeg" */
	char subsampling[4];		/* of the frames we send: "420", "422" */
	int w, h;
	int fps;			/* nominal frames per second */
};

struct source {
	/* Opens (or reopens) the source; fills info. 0 or -1 with errno;
	 * msg gets a one-line reason for the log. Safe to call after a
	 * failed open or after close. */
	int (*open)(struct source *s, char *msg, size_t msgsz);
	/* Blocks up to timeout_ms for the next image. 1: *img is valid
	 * until release(); 0: nothing arrived in time, or a frame was
	 * dropped (corrupt, or not of the size in info: counted in
	 * dropped, msg says why); -1: the source is lost (msg says why),
	 * the caller closes it and retries open() later. */
	int (*grab)(struct source *s, struct image *img, int timeout_ms,
		    char *msg, size_t msgsz);
	void (*release)(struct source *s);
	/* Idempotent: safe after a failed open and safe twice. */
	void (*close)(struct source *s);
	void (*destroy)(struct source *s);
	/* The camera's controls (capture.c, through ctrl_v4l2.c); NULL for a
	 * source without any (the test pattern). Source thread only, while
	 * open. ctrl_read fills l; ctrl_get and ctrl_set are VIDIOC_G_CTRL
	 * and VIDIOC_S_CTRL. 0, or -1 with errno. */
	int (*ctrl_read)(struct source *s, struct ctrl_list *l);
	int (*ctrl_get)(struct source *s, uint32_t id, int32_t *v);
	int (*ctrl_set)(struct source *s, uint32_t id, int32_t v);
	struct source_info info;
	unsigned long dropped;		/* frames dropped: corrupt, or
					   of another size than info's */
	void *priv;
};

struct source_opts {
	const char *device;		/* "/dev/video0" */
	int w, h, fps;
	const char *format;		/* "auto", "yuyv", "mjpeg" */
	int buffers;
	int subsamp;			/* of the frames we send: TJSAMP_420
					   or TJSAMP_422 (the test pattern
					   is drawn in it) */
};

/* The source thread (source.c): runs a source, feeding the hub. While the
 * source is missing or lost it feeds a "NO SIGNAL" card at 2 fps and
 * retries open() every second; each distinct trouble is logged once.
 * Between frames it serves the camera controls' requests (ctrl_state.c),
 * and sets the values kept again each time the source opens. Its log
 * lines start with tag (the camera's name; NULL: nothing). */
struct hub;
struct controls;
struct source_thread;
struct source_thread *source_start(struct source *src, struct hub *hub,
				   struct controls *ctl, const char *tag);
/* Stops the thread and closes the source. NULL is fine. */
void source_stop(struct source_thread *t);
#endif
