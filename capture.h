/* capture.c: the V4L2 camera source, through libv4l2. */
#ifndef CAPTURE_H
#define CAPTURE_H

struct source;
struct source_opts;

/* The camera as a source. Never fails for a missing device: open()
 * reports that, and the caller retries. */
struct source *capture_new(const struct source_opts *o);

#endif
