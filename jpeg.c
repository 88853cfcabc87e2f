/* jpeg.c: pixels only. TurboJPEG encode from planar YUV, MJPEG decode to
 * planes, YUYV split, 2x2 downscale, the COM metadata segment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "jpeg.h"

int jpeg_init(struct jpeg *j)
{
	memset(j, 0, sizeof(*j));
	j->enc = tjInitCompress();
	j->dec = tjInitDecompress();
	if (!j->enc || !j->dec) {
		jpeg_fini(j);
		return -1;
	}
	return 0;
}

void jpeg_fini(struct jpeg *j)
{
	if (j->enc)
		tjDestroy(j->enc);
	if (j->dec)
		tjDestroy(j->dec);
	tjFree(j->out);
	memset(j, 0, sizeof(*j));
}

long jpeg_encode(struct jpeg *j, const struct yuv *y, int q,
		 const unsigned char **out)
{
	unsigned long need = tjBufSize(y->w, y->h, y->subsamp);
	unsigned long len;

	/* Size the scratch buffer for the worst case once, so TurboJPEG
	 * never reallocates behind our back (TJFLAG_NOREALLOC). */
	if (need == (unsigned long)-1)
		return -1;
	if (j->outcap < need) {
		tjFree(j->out);
		j->out = tjAlloc((int)need);
		j->outcap = j->out ? need : 0;
		if (!j->out)
			return -1;
	}
	len = j->outcap;
	if (tjCompressFromYUVPlanes(j->enc, (const unsigned char **)y->p,
				    y->w, y->stride, y->h, y->subsamp,
				    &j->out, &len, q,
				    TJFLAG_NOREALLOC | TJFLAG_FASTDCT) != 0)
		return -1;
	*out = j->out;
	return (long)len;
}

/* Chroma plane size for a subsampling, as TurboJPEG lays it out. */
static void chroma_dims(int w, int h, int subsamp, int *cw, int *ch)
{
	*cw = tjPlaneWidth(1, w, subsamp);
	*ch = tjPlaneHeight(1, h, subsamp);
}

int yuv_alloc(struct yuv *dst, int w, int h, int subsamp)
{
	int cw, ch;
	size_t need;

	if (w <= 0 || h <= 0 || w > 8192 || h > 8192)
		return -1;
	chroma_dims(w, h, subsamp, &cw, &ch);
	if (subsamp == TJSAMP_GRAY)
		cw = ch = 0;
	else if (cw <= 0 || ch <= 0)
		return -1;
	need = (size_t)w * h + 2 * (size_t)cw * ch;
	if (dst->cap < need) {
		unsigned char *m = malloc(need);

		if (!m)
			return -1;
		free(dst->mem);
		dst->mem = m;
		dst->cap = need;
	}
	dst->w = w;
	dst->h = h;
	dst->subsamp = subsamp;
	dst->p[0] = dst->mem;
	dst->p[1] = dst->mem + (size_t)w * h;
	dst->p[2] = dst->p[1] + (size_t)cw * ch;
	dst->stride[0] = w;
	dst->stride[1] = dst->stride[2] = cw;
	return 0;
}

void yuv_free(struct yuv *y)
{
	free(y->mem);
	memset(y, 0, sizeof(*y));
}

int jpeg_decode(struct jpeg *j, const unsigned char *p, size_t len,
		struct yuv *dst)
{
	int w, h, subsamp, cs;

	if (len > 64UL << 20)
		return -1;
	if (tjDecompressHeader3(j->dec, p, (unsigned long)len, &w, &h,
				&subsamp, &cs) != 0)
		return -1;
	if (subsamp != TJSAMP_422 && subsamp != TJSAMP_420 &&
	    subsamp != TJSAMP_444)
		return -1;
	if (yuv_alloc(dst, w, h, subsamp) != 0)
		return -1;
	/* TJFLAG_STOPONWARNING: a truncated camera frame is an error here,
	 * not a half-grey picture. */
	if (tjDecompressToYUVPlanes(j->dec, p, (unsigned long)len, dst->p,
				    w, dst->stride, h,
				    TJFLAG_FASTDCT | TJFLAG_STOPONWARNING) != 0)
		return -1;
	return 0;
}

void yuv_from_yuyv(struct yuv *dst, const unsigned char *src, int stride)
{
	int x, y, cw = dst->w / 2;

	for (y = 0; y < dst->h; y++) {
		const unsigned char *s = src + (size_t)y * stride;
		unsigned char *py = dst->p[0] + (size_t)y * dst->stride[0];
		unsigned char *pu = dst->p[1] + (size_t)y * dst->stride[1];
		unsigned char *pv = dst->p[2] + (size_t)y * dst->stride[2];

		x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* Two pixel pairs per step through 64-bit words: a third
		 * faster than byte by byte, and the split runs on every
		 * YUYV frame. */
		for (; x + 2 <= cw; x += 2, s += 8) {
			uint64_t v;
			uint32_t yy;
			uint16_t uu, vv;

			memcpy(&v, s, 8);
			yy = (uint32_t)(v & 0xff) |
			     (uint32_t)(v >> 8 & 0xff00) |
			     (uint32_t)(v >> 16 & 0xff0000) |
			     (uint32_t)(v >> 24 & 0xff000000);
			uu = (uint16_t)((v >> 8 & 0xff) | (v >> 32 & 0xff00));
			vv = (uint16_t)((v >> 24 & 0xff) | (v >> 48 & 0xff00));
			memcpy(py + 2 * x, &yy, 4);
			memcpy(pu + x, &uu, 2);
			memcpy(pv + x, &vv, 2);
		}
#endif
		for (; x < cw; x++, s += 4) {
			py[2 * x] = s[0];
			pu[x] = s[1];
			py[2 * x + 1] = s[2];
			pv[x] = s[3];
		}
	}
}

/* Averages 2x2 blocks of one plane (odd trailing row/column dropped). */
static void half_plane(const unsigned char *s, int sstride, int sw, int sh,
		       unsigned char *d, int dstride)
{
	int x, y, dw = sw / 2, dh = sh / 2;

	for (y = 0; y < dh; y++) {
		const unsigned char *a = s + (size_t)2 * y * sstride;
		const unsigned char *b = a + sstride;
		unsigned char *o = d + (size_t)y * dstride;

		for (x = 0; x < dw; x++)
			o[x] = (unsigned char)((a[2 * x] + a[2 * x + 1] +
						b[2 * x] + b[2 * x + 1] + 2) >> 2);
	}
}

int yuv_half(const struct yuv *src, struct yuv *dst)
{
	int i, dcw, dch;

	/* Keep dimensions even so 4:2:x chroma stays whole. */
	if (yuv_alloc(dst, src->w / 2 & ~1, src->h / 2 & ~1, src->subsamp))
		return -1;
	half_plane(src->p[0], src->stride[0], dst->w * 2, dst->h * 2,
		   dst->p[0], dst->stride[0]);
	chroma_dims(dst->w, dst->h, dst->subsamp, &dcw, &dch);
	for (i = 1; i < 3; i++)
		half_plane(src->p[i], src->stride[i], dcw * 2, dch * 2,
			   dst->p[i], dst->stride[i]);
	return 0;
}

size_t jpeg_put_com(unsigned char *dst, const unsigned char *jpg, size_t len,
		    const char *com, size_t comlen)
{
	size_t seg = 2 + comlen;	/* COM length field counts itself */

	dst[0] = 0xFF;
	dst[1] = 0xD8;
	dst[2] = 0xFF;
	dst[3] = 0xFE;
	dst[4] = (unsigned char)(seg >> 8);
	dst[5] = (unsigned char)seg;
	memcpy(dst + 6, com, comlen);
	memcpy(dst + 6 + comlen, jpg + 2, len - 2);
	return len + JPEG_COM_LEN(comlen);
}
