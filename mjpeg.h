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

/* Does the JPEG carry any DHT segment before its SOS? */
int mjpeg_has_dht(const unsigned char *p, size_t len);

/* Copies p[0..len) to out, inserting the standard DHT segment right
 * before SOS when the JPEG has none. out must hold len + MJPEG_DHT_LEN
 * bytes. Returns the bytes written. */
size_t mjpeg_add_dht(const unsigned char *p, size_t len, unsigned char *out);

#endif
