/* capture_fmt.c: what a V4L2 camera offers, through libv4l2: the pixel
 * format to ask for a wanted size and rate, and the listing that
 * --list-formats prints; every ioctl on the camera (capture.c's,
 * ctrl_v4l2.c's and its own), retried after a signal. Works on the fd it
 * is given; keeps nothing. */
#ifndef CAPTURE_FMT_H
#define CAPTURE_FMT_H
#include <stddef.h>
#include <stdint.h>

/* v4l2_ioctl(), asked again when a signal interrupts it: a signal must
 * not look like a failure. */
int capture_ioctl(int fd, unsigned long req, void *arg);
/* Is f a JPEG format (MJPG or JPEG)? */
int capture_is_mjpeg(uint32_t f);
/* f's four characters, '?' for any not printable, and a NUL. */
void capture_fourcc(uint32_t f, char out[5]);
/* The pixel format to ask the camera on fd for, given --format (format:
 * "yuyv", "mjpeg" or "auto") and the wanted size and rate. "auto": the
 * camera's own YUYV when it gives w x h at fps (no decode needed), else
 * MJPEG when that does better (many USB 2 cameras give 720p30 only as
 * MJPEG); formats libv4l2 merely emulates are ignored. */
uint32_t capture_choose_format(int fd, const char *format, int w, int h,
			       int fps);
/* Prints the formats, sizes and frame intervals dev offers to stdout
 * (for --list-formats); 0, or -1 with err set ("DEV: open: ..."). */
int capture_list_formats(const char *dev, char *err, size_t errsz);

#endif
