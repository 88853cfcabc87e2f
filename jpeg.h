/* jpeg.c: pixels only. The one-pass encoder (libjpeg's raw-data API: a
 * YUYV camera buffer or planes in, one finished JPEG with its COM segment
 * out, written straight into the caller's block), MJPEG decode to planes
 * (TurboJPEG), YUYV split, 2x2 downscale. No locks, no sockets: each
 * thread brings its own struct jpeg. */
#ifndef JPEG_H
#define JPEG_H
#include <stddef.h>

/* Planar YUV image. Chroma planes follow subsamp (TurboJPEG's TJSAMP_*:
 * 4:2:0, 4:2:2 or 4:4:4), sized as tjPlaneWidth/tjPlaneHeight say, so an
 * odd width or height rounds the chroma up. */
struct yuv {
	unsigned char *p[3];
	int stride[3];
	int w, h, subsamp;
	unsigned char *mem;	/* owned allocation behind p[], or NULL */
	size_t cap;
};

/* A picture to encode: planes, or packed YUYV (V4L2_PIX_FMT_YUYV) as a
 * camera buffer holds it, stride bytes per row. */
struct jpeg_in {
	const struct yuv *yuv;		/* planes, or NULL for yuyv */
	const unsigned char *yuyv;
	int stride, w, h;		/* yuyv only */
};

/* One thread's encoder (libjpeg) and decoder (TurboJPEG). */
struct jpeg {
	struct enc *enc;
	void *dec;			/* tjhandle */
};

int jpeg_init(struct jpeg *j);			/* 0 or -1 */
void jpeg_fini(struct jpeg *j);			/* idempotent */

/* Where jpeg_encode() writes: a block of head bytes (the caller's, e.g.
 * its frame header, left untouched) followed by the JPEG. The caller may
 * give a block of cap bytes to reuse (mem), or none (NULL): the encoder
 * makes it at least head + hint + hint / 8 + 4 KiB (hint: the JPEG size
 * to expect, 0 to guess from the picture), growing it with realloc while
 * the JPEG is bigger. On return mem and cap say the block, the caller's
 * to free; on failure it is freed and mem is NULL. */
struct jpeg_out {
	void *mem;
	size_t cap;			/* bytes at mem */
	size_t head, hint;
	size_t len;			/* JPEG bytes at mem + head */
};

/* Encodes in at quality q (FASTDCT, as TurboJPEG does below q96) in
 * subsamp (TJSAMP_420 or TJSAMP_422), whatever the input's own
 * subsampling, with a COM segment holding com[0..comlen) right after SOI.
 * A camera's YUYV goes through a row buffer a few MCU rows high, so the
 * picture is read once and never written back to memory as planes.
 * 0 with out->mem and out->len set, or -1 (out->mem NULL). */
int jpeg_encode(struct jpeg *j, const struct jpeg_in *in, int subsamp, int q,
		const char *com, size_t comlen, struct jpeg_out *out);

/* Decodes a JPEG into planes in dst, (re)allocating dst->mem as needed.
 * 0 or -1 (corrupt, truncated, or a subsampling we don't handle). */
int jpeg_decode(struct jpeg *j, const unsigned char *p, size_t len,
		struct yuv *dst);

/* Makes dst a w x h image of the given subsampling, reusing dst->mem when
 * it is big enough. 0 or -1. */
int yuv_alloc(struct yuv *dst, int w, int h, int subsamp);
void yuv_free(struct yuv *y);			/* idempotent */

/* Splits packed YUYV (stride bytes per row; dst->w even) into dst, which
 * must already be allocated w x h in TJSAMP_422 or TJSAMP_420; for 4:2:0
 * the chroma of each pair of rows is averaged (rounding up), the last
 * row of an odd height standing alone. */
void yuv_from_yuyv(struct yuv *dst, const unsigned char *src, int stride);

/* 2x2 box downscale of src into dst (allocated here at half size, same
 * subsampling). 0 or -1. */
int yuv_half(const struct yuv *src, struct yuv *dst);

/* Length of the COM segment (marker included) carrying comlen bytes. */
#define JPEG_COM_LEN(comlen) (4 + (comlen))

/* Writes jpg[0..len) to dst with a COM segment holding com[0..comlen)
 * right after SOI. dst must hold len + JPEG_COM_LEN(comlen) bytes and jpg
 * must start with SOI (checked by the caller). Returns bytes written.
 * For camera JPEGs passed through; jpeg_encode() writes its own. */
size_t jpeg_put_com(unsigned char *dst, const unsigned char *jpg, size_t len,
		    const char *com, size_t comlen);

#endif
