/* camera.c: the cameras one server serves: their names, and what each
 * has of its own (a source and its thread, a hub with its frames, its
 * controls, the streams watching each rung). The poll loop, the
 * accounts, the encoder workers and the encode budget are shared
 * (server.c, auth.c, hub.c). */
#ifndef CAMERA_H
#define CAMERA_H
#include <stddef.h>
#include <stdint.h>

#include "ladder.h"
#include "source.h"

/* Eight: a board's USB bus carries two to four cameras at 720p (each
 * YUYV camera takes most of a USB 2 controller's isochronous bandwidth;
 * MJPEG ones a fifth of it), and each camera holds its capture buffers,
 * a thread and four descriptors. Eight leaves room for MJPEG cameras on
 * two controllers and keeps a camera set in one byte. */
enum {
	CAMERA_MAX = 8,
	CAMERA_NAME_MAX = 32
};

struct hub;
struct hub_stats;
struct controls;
struct source_thread;

struct camera {
	char name[CAMERA_NAME_MAX + 1];	/* a slug: [a-z0-9-]{1,32} */
	int index;			/* 0: the first, also at the
					   paths without /c/NAME */
	char spec[512];			/* its --camera value, cut into the
					   strings below */
	const char *source;		/* "test", or a device path */
	struct source_opts opts;
	const char *ctrls[32];		/* ctrl=NAME=VALUE, as given */
	int nctrls;
	struct hub *hub;
	struct controls *controls;	/* NULL: none (the test pattern has
					   none either; see ctrl_state.c) */
	struct source *src;
	struct source_thread *thread;
	/* Poll thread only. */
	int watching[RUNG_N];		/* streams subscribed to each rung
					   (stream.c) */
	struct hub_stats *hstats;	/* the hub's statistics ... */
	int64_t hstats_at;		/* ... as read at this loop turn */
};

/* Is s[0..n) a camera name we take: 1..32 of a-z, 0-9 and -? */
int camera_valid_name(const char *s, size_t n);

/* The camera named s[0..n) among cams[0..ncams), or NULL. */
struct camera *camera_find(struct camera *cams, int ncams, const char *s,
			   size_t n);

#endif
