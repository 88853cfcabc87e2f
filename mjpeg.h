/* mjpeg.c: cameras' JPEGs as they come: a cheap structural check, and the
 * standard Huffman tables that many UVC cameras leave out. Pure. */
#ifndef MJPEG_H
#define MJPEG_H
#include <stddef.h>

/* Length of a DHT segment holding the four standard tables of ITU T.81
 * Annex K.3 (marker included). */
#define MJPEG_DHT_LEN 420

/* 0 if p[0..len) looks like a whole JPEG: SOI first, well-formed marker
 * segments up to SOS, and an EOI at the end (trailing zero padding, as
 * some drivers leave, is allowed); -1 if truncated or corrupt. */
int mjpeg_check(const unsigned char *p, size_t len);

/* Reads the picture size from the first SOF (baseline, progressive or
 * any other frame header): 0 and *w, *h (never 0), or -1 if the marker
 * segments up to SOS are malformed or run past len, no SOF comes before
 * SOS, or the SOF's length does not match its component count. Trusts
 * nothing else: the caller compares the size with what it asked for
 * before anything allocates for it. */
int mjpeg_size(const unsigned char *p, size_t len, int *w, int *h);

/* Does the JPEG carry any DHT segment before its SOS? */
int mjpeg_has_dht(const unsigned char *p, size_t len);

/* Copies p[0..len) to out, inserting the standard DHT segment right
 * before SOS when the JPEG has none. out must hold len + MJPEG_DHT_LEN
 * bytes. Returns the bytes written. */
size_t mjpeg_add_dht(const unsigned char *p, size_t len, unsigned char *out);

#endif
