/* ladder.c: the rungs a frame can be encoded at: a quality (30..95 in
 * steps of 5) at full, half or quarter size, and the camera's own JPEG
 * passed through. Names, parsing, and which rung is nearest to another. Pure: no
 * state, no threads. */
#ifndef LADDER_H
#define LADDER_H
#include <stddef.h>

enum {
	RUNG_QMIN = 30, RUNG_QMAX = 95, RUNG_QSTEP = 5,
	RUNG_NQ = (RUNG_QMAX - RUNG_QMIN) / RUNG_QSTEP + 1,
	RUNG_SCALES = 3,		/* full, half, quarter */
	RUNG_SOURCE = RUNG_SCALES * RUNG_NQ,
	RUNG_N				/* every rung, the source's last */
};

/* The rung for quality q (snapped down to the ladder, clamped to
 * 30..95) at a scale: 0 full size, 1 half, 2 quarter (each side divided
 * by 1 << scale). */
int rung_make(int q, int scale);
int rung_q(int rung);		/* 0 for the source rung */
int rung_scale(int rung);	/* 0 for the source rung */
/* "q80", "h40" (half size), "t30" (quarter: a thumbnail), "source";
 * "?" for no rung. */
const char *rung_name(int rung);
/* A rung as clients name it: 30..95 (snapped to the nearest multiple of
 * 5), qNN, hNN (half size), tNN (quarter size) or "source". The rung, or
 * -1. */
int rung_parse(const char *s, size_t n);

/* The rung of set (an array of RUNG_N flags) that serves a client asking
 * for rung r: for a fixed quality the nearest (a change of size is
 * further than any quality step; ties go to the larger frames); for an
 * auto client, whose rung is chosen for the frame size its link carries,
 * the largest no larger than r, else the smallest. r itself when set is
 * empty. */
int rung_nearest(const int *set, int r, int is_auto);
/* Orders rungs by frame size: every smaller scale below every larger,
 * then by quality; the source rung above its scale's qualities. */
int rung_size_key(int rung);

#endif
