/* frame.c: encoded frames. One complete JPEG with its COM metadata in a
 * block of its own, refcounted, immutable once published; blocks let go
 * are kept, a few, for the next frames. */
#ifndef FRAME_H
#define FRAME_H
#include <stddef.h>
#include <stdint.h>

struct frame {
	int refs;		/* atomic */
	int rung, q, w, h;
	uint64_t seq;		/* source frame number */
	int64_t ts_us;		/* capture time, CLOCK_REALTIME */
	size_t len;
	size_t cap;		/* bytes in the block, header included */
	unsigned char data[];
};

struct frame *frame_ref(struct frame *f);
void frame_unref(struct frame *f);	/* NULL is fine */

/* A kept block: the smallest that holds need bytes, else the largest
 * (smaller than need: the caller grows it), else NULL. ->cap says its
 * size; nothing else in it is set. */
struct frame *frame_block(size_t need);

/* The COM text every frame carries, into buf; its length, or -1. */
int frame_com(char *buf, size_t sz, int q, int w, int h, uint64_t seq,
	      int64_t ts);

/* Sets f's header (one reference) for a JPEG of len bytes at f->data. */
void frame_init(struct frame *f, int rung, int q, int w, int h, uint64_t seq,
		int64_t ts, size_t len);

/* A camera's JPEG in a new frame, the COM metadata put after SOI; NULL
 * when it is no JPEG or there is no memory. */
struct frame *frame_wrap(const unsigned char *jpg, size_t len, int rung,
			 int q, int w, int h, uint64_t seq, int64_t ts);

/* Frames made and not let go yet: the newest of each rung watched, and
 * those on their way to clients. */
long frames_alive(void);

void frames_start(void);	/* once, before the first frame */
void frames_stop(void);		/* gives the kept blocks back */

#endif
