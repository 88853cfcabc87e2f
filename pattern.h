/* pattern.c: pictures we draw ourselves: the moving test pattern source
 * and the "NO SIGNAL" card. Pixels only: no sockets, no locks. */
#ifndef PATTERN_H
#define PATTERN_H
#include <stdint.h>

#include "jpeg.h"

struct source;
struct source_opts;

/* The moving test pattern as a source. */
struct source *pattern_new(const struct source_opts *o);

/* Draws the "NO SIGNAL" card into y (allocated by the caller, 4:2:0
 * or 4:2:2) with
 * the wall-clock time of ts_us and a one-line reason. */
void pattern_nosignal(struct yuv *y, int64_t ts_us, const char *why);

#endif
