/* jpeg.c: pixels only. The one-pass encoder on libjpeg's raw-data API,
 * MJPEG decode to planes (TurboJPEG), YUYV split, 2x2 downscale, the COM
 * segment for passed-through camera JPEGs. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <turbojpeg.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "jpeg.h"

#define PAD(n, a) (((n) + (a) - 1) / (a) * (a))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* The encoder: a libjpeg compressor reused frame after frame, its error
 * and destination managers, and the row buffer one MCU row high. */
struct enc {
	struct jpeg_compress_struct c;	/* first: callbacks cast back */
	struct jpeg_error_mgr err;
	struct jpeg_destination_mgr dst;
	jmp_buf jb;
	struct jpeg_out *out;
	unsigned char *rows;		/* the row buffer */
	size_t rowcap;
	int roww[3];			/* row width per component */
	int lines;			/* luma rows per MCU row: 8 or 16 */
	JSAMPROW r[3][2 * DCTSIZE];	/* this MCU row's rows */
	JSAMPARRAY img[3];
};

/* Rows: YUYV split and chroma averaging, the loops every frame runs */

/* Splits one or two YUYV rows of w pixels (w even): luma of a into ya
 * and of b into yb (unless yb is NULL), chroma averaged over a and b
 * (rounding up) into u and v. b == a splits one row. */
static void split_rows(const unsigned char *a, const unsigned char *b, int w,
		       unsigned char *ya, unsigned char *yb,
		       unsigned char *u, unsigned char *v)
{
	int x = 0;

#ifdef __SSE2__
	/* 16 pixels a step: pavgb averages 16 chroma bytes at once. */
	const __m128i lo = _mm_set1_epi16(0x00ff), zero = _mm_setzero_si128();

	for (; x + 16 <= w; x += 16) {
		__m128i a0 = _mm_loadu_si128((const __m128i *)(a + 2 * x));
		__m128i a1 = _mm_loadu_si128((const __m128i *)(a + 2 * x + 16));
		__m128i b0 = _mm_loadu_si128((const __m128i *)(b + 2 * x));
		__m128i b1 = _mm_loadu_si128((const __m128i *)(b + 2 * x + 16));
		__m128i c0 = _mm_srli_epi16(_mm_avg_epu8(a0, b0), 8);
		__m128i c1 = _mm_srli_epi16(_mm_avg_epu8(a1, b1), 8);
		/* U0 V0 U1 V1 ... */
		__m128i uv = _mm_packus_epi16(c0, c1);

		_mm_storeu_si128((__m128i *)(ya + x), _mm_packus_epi16(
			_mm_and_si128(a0, lo), _mm_and_si128(a1, lo)));
		if (yb)
			_mm_storeu_si128((__m128i *)(yb + x), _mm_packus_epi16(
				_mm_and_si128(b0, lo), _mm_and_si128(b1, lo)));
		_mm_storel_epi64((__m128i *)(u + x / 2), _mm_packus_epi16(
			_mm_and_si128(uv, lo), zero));
		_mm_storel_epi64((__m128i *)(v + x / 2), _mm_packus_epi16(
			_mm_srli_epi16(uv, 8), zero));
	}
#endif
	for (; x + 1 < w; x += 2) {
		const unsigned char *pa = a + 2 * x, *pb = b + 2 * x;

		ya[x] = pa[0];
		ya[x + 1] = pa[2];
		if (yb) {
			yb[x] = pb[0];
			yb[x + 1] = pb[2];
		}
		u[x / 2] = (unsigned char)((pa[1] + pb[1] + 1) >> 1);
		v[x / 2] = (unsigned char)((pa[3] + pb[3] + 1) >> 1);
	}
}

/* o[0..n) = the average of rows a and b (rounding up); with pairs, of
 * horizontal pairs too (4:4:4 chroma to 4:2:x; srcw samples in a row,
 * an odd last one standing alone). */
static void avg_rows(unsigned char *o, const unsigned char *a,
		     const unsigned char *b, int n, int pairs, int srcw)
{
	int x = 0;

	if (pairs) {
		for (; x < n; x++) {
			int i = 2 * x, k = MIN(i + 1, srcw - 1);

			o[x] = (unsigned char)((a[i] + a[k] + b[i] + b[k] + 2)
					       >> 2);
		}
		return;
	}
#ifdef __SSE2__
	for (; x + 16 <= n; x += 16)
		_mm_storeu_si128((__m128i *)(o + x), _mm_avg_epu8(
			_mm_loadu_si128((const __m128i *)(a + x)),
			_mm_loadu_si128((const __m128i *)(b + x))));
#endif
	for (; x < n; x++)
		o[x] = (unsigned char)((a[x] + b[x] + 1) >> 1);
}

/* Fills row o from n valid samples up to padw with the last one, as
 * libjpeg wants whole DCT blocks and a repeated edge codes best. */
static void pad_row(unsigned char *o, int n, int padw)
{
	if (padw > n)
		memset(o + n, o[n - 1], (size_t)(padw - n));
}

/* The encoder */

static const JOCTET jfif[] = {		/* APP0 as libjpeg writes it */
	'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0
};

static void on_error(j_common_ptr c)
{
	longjmp(((struct enc *)(void *)c)->jb, 1);
}

static void on_message(j_common_ptr c)
{
	(void)c;	/* a leaf: the caller logs what failed */
}

static void dst_init(j_compress_ptr c)
{
	struct enc *e = (struct enc *)(void *)c;

	e->dst.next_output_byte = (JOCTET *)e->out->mem + e->out->head;
	e->dst.free_in_buffer = e->out->cap - e->out->head;
}

/* The block is full: grow it by half; what is written stays put. */
static boolean dst_grow(j_compress_ptr c)
{
	struct enc *e = (struct enc *)(void *)c;
	size_t used = e->out->cap, cap = used + used / 2;
	unsigned char *m = realloc(e->out->mem, cap);

	if (!m)
		longjmp(e->jb, 1);
	e->out->mem = m;
	e->out->cap = cap;
	e->dst.next_output_byte = m + used;
	e->dst.free_in_buffer = cap - used;
	return TRUE;
}

static void dst_term(j_compress_ptr c)
{
	struct enc *e = (struct enc *)(void *)c;

	e->out->len = (size_t)(e->dst.next_output_byte -
			       ((JOCTET *)e->out->mem + e->out->head));
}

static void enc_free(struct enc *e)
{
	if (!e)
		return;
	jpeg_destroy_compress(&e->c);
	free(e->rows);
	free(e);
}

/* jpeg_create_compress() reports running out of memory by error_exit. */
static int enc_create(struct enc *e)
{
	if (setjmp(e->jb))
		return -1;
	jpeg_create_compress(&e->c);
	return 0;
}

static struct enc *enc_new(void)
{
	struct enc *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->c.err = jpeg_std_error(&e->err);
	e->err.error_exit = on_error;
	e->err.output_message = on_message;
	if (enc_create(e) != 0) {
		enc_free(e);
		return NULL;
	}
	e->dst.init_destination = dst_init;
	e->dst.empty_output_buffer = dst_grow;
	e->dst.term_destination = dst_term;
	e->c.dest = &e->dst;
	return e;
}

/* Sizes the row buffer for one MCU row (lines luma rows, 8 of each
 * chroma) of a w pixel wide picture: whole DCT blocks per row (libjpeg
 * reads no further) and 32 bytes of slack. */
static int rows_alloc(struct enc *e, int w, int lines)
{
	size_t need;
	int c;

	e->lines = lines;
	e->roww[0] = PAD(PAD(w, 8), 32) + 32;
	e->roww[1] = e->roww[2] = PAD(PAD((w + 1) / 2, 8), 32) + 32;
	need = (size_t)lines * e->roww[0] + 2 * (size_t)DCTSIZE * e->roww[1];
	if (e->rowcap < need) {
		free(e->rows);
		e->rows = malloc(need);
		e->rowcap = e->rows ? need : 0;
		if (!e->rows)
			return -1;
	}
	for (c = 0; c < 3; c++)
		e->img[c] = e->r[c];
	return 0;
}

/* Row k of component c in the row buffer. */
static unsigned char *buf_row(struct enc *e, int c, int k)
{
	size_t off = c == 0 ? (size_t)k * e->roww[0]
		: (size_t)e->lines * e->roww[0] +
		  ((size_t)(c - 1) * DCTSIZE + k) * e->roww[1];

	return e->rows + off;
}

/* The compressor's settings for one frame: TurboJPEG's (FASTDCT below
 * q96, standard Huffman tables), our sampling factors, raw data in. The
 * JFIF APP0 is written by hand so that COM can come first. */
static void setup(struct enc *e, int w, int h, int subsamp, int q)
{
	struct jpeg_compress_struct *c = &e->c;
	int i;

	c->image_width = (JDIMENSION)w;
	c->image_height = (JDIMENSION)h;
	c->input_components = 3;
	c->in_color_space = JCS_YCbCr;
	jpeg_set_defaults(c);
	jpeg_set_colorspace(c, JCS_YCbCr);
	jpeg_set_quality(c, q, TRUE);
	c->dct_method = q >= 96 ? JDCT_ISLOW : JDCT_FASTEST;
	c->raw_data_in = TRUE;
	c->write_JFIF_header = FALSE;
	for (i = 0; i < 3; i++) {
		c->comp_info[i].h_samp_factor = i ? 1 : 2;
		c->comp_info[i].v_samp_factor =
			i || subsamp == TJSAMP_422 ? 1 : 2;
	}
}

/* One MCU row from a YUYV buffer: every row split into the row buffer,
 * chroma of row pairs averaged for 4:2:0. Rows past the bottom repeat
 * the last one. */
static void rows_yuyv(struct enc *e, const struct jpeg_in *in, int mcu)
{
	int v2 = e->lines == 2 * DCTSIZE, k;
	int w = in->w, padw = e->c.comp_info[0].width_in_blocks * DCTSIZE,
	    padc = e->c.comp_info[1].width_in_blocks * DCTSIZE;

	for (k = 0; k < DCTSIZE; k++) {
		int ra = (mcu * DCTSIZE + k) << v2, rb = ra + v2;
		unsigned char *ya = buf_row(e, 0, k << v2);
		unsigned char *yb = v2 ? buf_row(e, 0, 2 * k + 1) : NULL;
		unsigned char *u = buf_row(e, 1, k), *v = buf_row(e, 2, k);

		ra = MIN(ra, in->h - 1);
		rb = MIN(rb, in->h - 1);
		split_rows(in->yuyv + (size_t)ra * in->stride,
			   in->yuyv + (size_t)rb * in->stride, w, ya, yb, u, v);
		pad_row(ya, w, padw);
		e->r[0][k << v2] = ya;
		if (yb) {
			pad_row(yb, w, padw);
			e->r[0][2 * k + 1] = yb;
		}
		pad_row(u, w / 2, padc);
		pad_row(v, w / 2, padc);
		e->r[1][k] = u;
		e->r[2][k] = v;
	}
}

/* One MCU row from planes. Rows the encoder can take as they are are
 * pointed at, not copied; rows that need padding, and chroma of another
 * subsampling (a 4:2:2 or 4:4:4 camera JPEG encoded as 4:2:0, a 4:2:0
 * one as 4:2:2), are made in the row buffer. Rows past the bottom repeat
 * the last one. */
static void rows_yuv(struct enc *e, const struct yuv *s, int mcu)
{
	int lines = e->lines, ov = lines / DCTSIZE, k, c;
	int sv = s->subsamp == TJSAMP_420 ? 2 : 1, pairs = s->subsamp ==
		TJSAMP_444;
	int padw = e->c.comp_info[0].width_in_blocks * DCTSIZE,
	    padc = e->c.comp_info[1].width_in_blocks * DCTSIZE;
	int scw = tjPlaneWidth(1, s->w, s->subsamp),
	    sch = tjPlaneHeight(1, s->h, s->subsamp);
	int ocw = (s->w + 1) / 2, och = (s->h + ov - 1) / ov;

	for (k = 0; k < lines; k++) {
		int r = MIN(mcu * lines + k, s->h - 1);
		unsigned char *p = s->p[0] + (size_t)r * s->stride[0], *o;

		if (padw != s->w) {
			o = buf_row(e, 0, k);
			memcpy(o, p, (size_t)s->w);
			pad_row(o, s->w, padw);
			p = o;
		}
		e->r[0][k] = p;
	}
	for (c = 1; c < 3; c++)
		for (k = 0; k < DCTSIZE; k++) {
			/* Output chroma row r covers luma rows r * ov ..
			 * r * ov + ov - 1; source chroma row i covers
			 * i * sv .. i * sv + sv - 1. */
			int r = MIN(mcu * DCTSIZE + k, och - 1);
			int a = MIN(r * ov / sv, sch - 1);
			int b = MIN((r * ov + ov - 1) / sv, sch - 1);
			unsigned char *pa = s->p[c] + (size_t)a * s->stride[c];
			unsigned char *o = buf_row(e, c, k);

			if (a == b && !pairs && padc == scw) {
				e->r[c][k] = pa;
				continue;
			}
			if (a == b && !pairs)
				memcpy(o, pa, (size_t)ocw);
			else
				avg_rows(o, pa, s->p[c] + (size_t)b *
					 s->stride[c], ocw, pairs, scw);
			pad_row(o, ocw, padc);
			e->r[c][k] = o;
		}
}

/* The part that libjpeg may leave through on_error(): nothing in here
 * changes a local that is read after the longjmp. */
static int compress(struct enc *e, const struct jpeg_in *in, int w, int h,
		    int subsamp, int q, const char *com, size_t comlen)
{
	int mcu;

	if (setjmp(e->jb)) {
		jpeg_abort_compress(&e->c);
		return -1;
	}
	setup(e, w, h, subsamp, q);
	jpeg_start_compress(&e->c, TRUE);
	jpeg_write_marker(&e->c, JPEG_COM, (const JOCTET *)com,
			  (unsigned)comlen);
	jpeg_write_marker(&e->c, JPEG_APP0, jfif, sizeof(jfif));
	for (mcu = 0; mcu * e->lines < h; mcu++) {
		if (in->yuv)
			rows_yuv(e, in->yuv, mcu);
		else
			rows_yuyv(e, in, mcu);
		jpeg_write_raw_data(&e->c, e->img, (JDIMENSION)e->lines);
	}
	jpeg_finish_compress(&e->c);
	return 0;
}

int jpeg_encode(struct jpeg *j, const struct jpeg_in *in, int subsamp, int q,
		const char *com, size_t comlen, struct jpeg_out *out)
{
	struct enc *e = j->enc;
	const struct yuv *s = in->yuv;
	int w = s ? s->w : in->w, h = s ? s->h : in->h;
	size_t need = out->head + 4096 + (out->hint ? out->hint + out->hint / 8
					  : (size_t)w * h / 4);
	void *m;

	out->len = 0;
	if ((subsamp != TJSAMP_420 && subsamp != TJSAMP_422) || q < 1 ||
	    q > 100 || w < 1 || h < 1 || w > 16384 || h > 16384 ||
	    comlen > 65533)
		goto fail;
	if (s ? s->subsamp != TJSAMP_420 && s->subsamp != TJSAMP_422 &&
		s->subsamp != TJSAMP_444
	      : !in->yuyv || w % 2 || in->stride < 2 * w)
		goto fail;
	if (rows_alloc(e, w, subsamp == TJSAMP_420 ? 2 * DCTSIZE : DCTSIZE))
		goto fail;
	if (!out->mem || out->cap < need) {
		m = realloc(out->mem, need);
		if (!m)
			goto fail;
		out->mem = m;
		out->cap = need;
	}
	e->out = out;
	if (compress(e, in, w, h, subsamp, q, com, comlen) != 0)
		goto fail;
	return 0;
fail:
	free(out->mem);
	out->mem = NULL;
	out->cap = 0;
	out->len = 0;
	return -1;
}

/* Decoding and planes */

int jpeg_init(struct jpeg *j)
{
	memset(j, 0, sizeof(*j));
	j->enc = enc_new();
	j->dec = tjInitDecompress();
	if (!j->enc || !j->dec) {
		jpeg_fini(j);
		return -1;
	}
	return 0;
}

void jpeg_fini(struct jpeg *j)
{
	enc_free(j->enc);
	if (j->dec)
		tjDestroy(j->dec);
	memset(j, 0, sizeof(*j));
}

/* Chroma plane size for a subsampling, as TurboJPEG lays it out. */
static void chroma_dims(int w, int h, int subsamp, int *cw, int *ch)
{
	*cw = tjPlaneWidth(1, w, subsamp);
	*ch = tjPlaneHeight(1, h, subsamp);
}

int yuv_alloc(struct yuv *dst, int w, int h, int subsamp)
{
	int cw, ch, yw = PAD(w, 2), yh = PAD(h, 2);
	size_t need;

	if (w <= 0 || h <= 0 || w > 8192 || h > 8192)
		return -1;
	chroma_dims(w, h, subsamp, &cw, &ch);
	if (subsamp == TJSAMP_GRAY)
		cw = ch = 0;
	else if (cw <= 0 || ch <= 0)
		return -1;
	/* Luma gets an even number of columns and rows: TurboJPEG's decoder
	 * writes a 4:2:0 picture of odd size that far (a whole chroma
	 * sample's worth), which would land in the chroma planes. */
	need = (size_t)yw * yh + 2 * (size_t)cw * ch;
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
	dst->p[1] = dst->mem + (size_t)yw * yh;
	dst->p[2] = dst->p[1] + (size_t)cw * ch;
	dst->stride[0] = yw;
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
	int v2 = dst->subsamp == TJSAMP_420, ch = (dst->h + v2) >> v2, r;

	for (r = 0; r < ch; r++) {
		int ra = r << v2, rb = MIN(ra + v2, dst->h - 1);

		split_rows(src + (size_t)ra * stride, src + (size_t)rb * stride,
			   dst->w, dst->p[0] + (size_t)ra * dst->stride[0],
			   rb > ra ? dst->p[0] + (size_t)rb * dst->stride[0]
				   : NULL,
			   dst->p[1] + (size_t)r * dst->stride[1],
			   dst->p[2] + (size_t)r * dst->stride[2]);
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
