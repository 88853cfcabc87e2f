/* jpeg.c: pixels only. TurboJPEG encode from planar YUV, MJPEG decode to
 * planes, YUYV split, 2x2 downscale, the COM metadata segment. No locks,
 * no sockets: each thread brings its own struct jpeg. */
#ifndef JPEG_H
#define JPEG_H
#include <stddef.h>

/* Planar YUV image. Chroma planes follow subsamp (TurboJPEG's TJSAMP_*). */
struct yuv {
	unsigned char *p[3];
	int stride[3];
	int w, h, subsamp;
	unsigned char *mem;	/* owned allocation behind p[], or NULL */
	size_t cap;
};

/* One thread's TurboJPEG handles and scratch output buffer. */
struct jpeg {
	void *enc, *dec;		/* tjhandle */
	unsigned char *out;		/* encoder output, tjAlloc'ed */
	unsigned long outcap;
};

int jpeg_init(struct jpeg *j);			/* 0 or -1 */
void jpeg_fini(struct jpeg *j);			/* idempotent */

/* Encodes y at quality q into j's scratch buffer; *out points at the JPEG
 * until the next call on j. Returns its length, or -1. */
long jpeg_encode(struct jpeg *j, const struct yuv *y, int q,
		 const unsigned char **out);

/* Decodes a JPEG into planes in dst, (re)allocating dst->mem as needed.
 * 0 or -1 (corrupt, truncated, or a subsampling we don't handle). */
int jpeg_decode(struct jpeg *j, const unsigned char *p, size_t len,
		struct yuv *dst);

/* Makes dst a w x h image of the given subsampling, reusing dst->mem when
 * it is big enough. 0 or -1. */
int yuv_alloc(struct yuv *dst, int w, int h, int subsamp);
void yuv_free(struct yuv *y);			/* idempotent */

/* Splits packed YUYV (stride bytes per row) into 4:2:2 planes in dst,
 * which must already be allocated w x h TJSAMP_422. */
void yuv_from_yuyv(struct yuv *dst, const unsigned char *src, int stride);

/* 2x2 box downscale of src into dst (allocated here at half size, same
 * subsampling). 0 or -1. */
int yuv_half(const struct yuv *src, struct yuv *dst);

/* Length of the COM segment (marker included) carrying comlen bytes. */
#define JPEG_COM_LEN(comlen) (4 + (comlen))

/* Writes jpg[0..len) to dst with a COM segment holding com[0..comlen)
 * right after SOI. dst must hold len + JPEG_COM_LEN(comlen) bytes and jpg
 * must start with SOI (checked by the caller). Returns bytes written. */
size_t jpeg_put_com(unsigned char *dst, const unsigned char *jpg, size_t len,
		    const char *com, size_t comlen);

#endif
