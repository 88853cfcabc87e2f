/* unit-jpeg.c: YUYV split (4:2:2 and 4:2:0) against a plain reference,
 * 2x2 downscale, the one-pass encoder (planes and YUYV in, every size
 * including odd ones, the COM segment right after SOI, the output block
 * growing from a small guess) checked by decoding with TurboJPEG, and
 * the COM segment of passed-through JPEGs. */
#include <stdlib.h>
#include <turbojpeg.h>

#include "jpeg.h"
#include "unit.h"

/* A YUYV picture with detail everywhere, stride padded past the row. */
static unsigned char *yuyv_pic(int h, int stride, int smooth)
{
	unsigned char *p = malloc((size_t)stride * h);
	int x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < stride; x++)
			p[(size_t)y * stride + x] = (unsigned char)(smooth
				? (x % 4 == 1 ? 60 + y % 64 : x % 4 == 3 ?
				   180 - x / 16 % 64 : 16 + (x / 2 + y) % 200)
				: (x * 31 + y * 17 + 7));
	return p;
}

/* The split, the slow obvious way: 1 when dst holds it exactly. */
static int yuyv_ref_ok(const struct yuv *d, const unsigned char *src,
		       int stride)
{
	int x, y, v2 = d->subsamp == TJSAMP_420, bad = 0;

	for (y = 0; y < d->h; y++)
		for (x = 0; x < d->w; x++) {
			const unsigned char *s = src + (size_t)y * stride;
			const unsigned char *t = src + (size_t)(y + 1 < d->h ?
					y + 1 : y) * stride;
			int cy = y >> v2, k = x / 2 * 4;

			bad += d->p[0][y * d->stride[0] + x] != s[2 * x];
			if (x % 2 || (v2 && y % 2))
				continue;
			if (!v2)
				t = s;
			bad += d->p[1][cy * d->stride[1] + x / 2] !=
			       (s[k + 1] + t[k + 1] + 1) / 2;
			bad += d->p[2][cy * d->stride[2] + x / 2] !=
			       (s[k + 3] + t[k + 3] + 1) / 2;
		}
	return bad == 0;
}

static void test_yuyv(int w, int h, int subsamp)
{
	int stride = w * 2 + 6;
	unsigned char *src = yuyv_pic(h, stride, 0);
	struct yuv d = {0};

	CHECK(yuv_alloc(&d, w, h, subsamp) == 0, "alloc %dx%d", w, h);
	yuv_from_yuyv(&d, src, stride);
	CHECK(yuyv_ref_ok(&d, src, stride), "YUYV split %dx%d to 4:2:%d",
	      w, h, subsamp == TJSAMP_420 ? 0 : 2);
	yuv_free(&d);
	free(src);
}

static void test_half(int subsamp)
{
	struct yuv s = {0}, d = {0};
	int i, ch = subsamp == TJSAMP_420 ? 2 : 4;

	yuv_alloc(&s, 8, 4, subsamp);
	for (i = 0; i < 8 * 4; i++)
		s.p[0][i] = (unsigned char)(i % 8 < 4 ? 10 : 200);
	for (i = 0; i < 4 * ch; i++)
		s.p[1][i] = s.p[2][i] = (unsigned char)(i % 2 ? 100 : 102);
	CHECK(yuv_half(&s, &d) == 0, "half of 8x4");
	CHECK(d.w == 4 && d.h == 2 && d.subsamp == subsamp,
	      "half size 4x2, same subsampling (got %dx%d)", d.w, d.h);
	CHECK(d.p[0][0] == 10 && d.p[0][3] == 200, "luma box average");
	CHECK_INT(d.p[1][0], 101, "chroma box average (rounded)");
	yuv_free(&s);
	yuv_free(&d);
}

/* A smooth picture in planes of the given subsampling. */
static void planes_pic(struct yuv *y, int w, int h, int subsamp)
{
	int x, r, c;

	yuv_alloc(y, w, h, subsamp);
	for (r = 0; r < h; r++)
		for (x = 0; x < w; x++)
			y->p[0][r * y->stride[0] + x] =
				(unsigned char)(30 + (x + 2 * r) % 180);
	for (c = 1; c < 3; c++)
		for (r = 0; r < tjPlaneHeight(c, h, subsamp); r++)
			for (x = 0; x < y->stride[c]; x++)
				y->p[c][r * y->stride[c] + x] = (unsigned char)
					(c == 1 ? 90 + (x + r) % 60
						: 160 - r % 50);
}

/* Mean absolute difference of two planes of equal size. */
static double plane_diff(const struct yuv *a, const struct yuv *b, int c)
{
	int w = c ? tjPlaneWidth(c, a->w, a->subsamp) : a->w;
	int h = c ? tjPlaneHeight(c, a->h, a->subsamp) : a->h, x, y;
	double sum = 0;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			sum += abs(a->p[c][y * a->stride[c] + x] -
				   b->p[c][y * b->stride[c] + x]);
	return sum / ((double)w * h);
}

/* Encodes in, decodes it back, and checks size, subsampling, the COM
 * segment right after SOI, and that the pixels are those of want (the
 * picture in the output's subsampling) within JPEG's error at q95. */
static void check_encode(struct jpeg *j, const struct jpeg_in *in,
			 const struct yuv *want, int subsamp, size_t hint,
			 const char *what)
{
	static const char com[] = "ts=1 seq=2 q=95 w=3 h=4";
	struct jpeg_out out = { .head = 40, .hint = hint };
	struct yuv back = {0};
	const unsigned char *p;
	int r, c, w, h, ss, cs;
	tjhandle tj = tjInitDecompress();
	double d[3] = {99, 99, 99};

	r = jpeg_encode(j, in, subsamp, 95, com, sizeof(com) - 1, &out);
	CHECK(r == 0 && out.mem && out.len > 100, "%s: encodes", what);
	if (r != 0) {
		tjDestroy(tj);
		return;
	}
	p = (const unsigned char *)out.mem + out.head;
	CHECK(p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF && p[3] == 0xFE &&
	      p[4] == 0 && p[5] == sizeof(com) + 1 &&
	      memcmp(p + 6, com, sizeof(com) - 1) == 0 &&
	      p[6 + sizeof(com) - 1] == 0xFF,
	      "%s: COM segment right after SOI", what);
	CHECK(p[out.len - 2] == 0xFF && p[out.len - 1] == 0xD9,
	      "%s: ends with EOI", what);
	CHECK(tjDecompressHeader3(tj, p, (unsigned long)out.len, &w, &h, &ss,
				  &cs) == 0 && w == want->w && h == want->h &&
	      ss == subsamp, "%s: decodes as %dx%d 4:2:%d (got %dx%d ss %d)",
	      what, want->w, want->h, subsamp == TJSAMP_420 ? 0 : 2, w, h, ss);
	if (jpeg_decode(j, p, out.len, &back) == 0 && back.w == want->w &&
	    back.h == want->h && back.subsamp == want->subsamp)
		for (c = 0; c < 3; c++)
			d[c] = plane_diff(want, &back, c);
	CHECK(d[0] < 2.0 && d[1] < 2.0 && d[2] < 2.0,
	      "%s: pixels as sent (mean error Y %.2f U %.2f V %.2f)", what,
	      d[0], d[1], d[2]);
	free(out.mem);
	yuv_free(&back);
	tjDestroy(tj);
}

static void test_encode_planes(struct jpeg *j, int w, int h, int subsamp)
{
	struct yuv y = {0};
	struct jpeg_in in = { .yuv = &y };
	char what[64];

	planes_pic(&y, w, h, subsamp);
	snprintf(what, sizeof(what), "planes %dx%d 4:2:%d", w, h,
		 subsamp == TJSAMP_420 ? 0 : 2);
	check_encode(j, &in, &y, subsamp, 0, what);
	yuv_free(&y);
}

/* 4:2:2 (and 4:4:4) camera JPEGs re-encoded as 4:2:0, 4:2:0 as 4:2:2:
 * the chroma the encoder makes is the plain average or repetition. */
static void test_encode_convert(struct jpeg *j, int w, int h, int from,
				int to)
{
	struct yuv s = {0}, want = {0};
	struct jpeg_in in = { .yuv = &s };
	int c, x, r, sv = from == TJSAMP_420 ? 2 : 1, ov = to == TJSAMP_420
		? 2 : 1, sh = from == TJSAMP_444 ? 0 : 1;
	char what[64];

	planes_pic(&s, w, h, from);
	yuv_alloc(&want, w, h, to);
	memcpy(want.p[0], s.p[0], (size_t)s.stride[0] * h);
	for (c = 1; c < 3; c++)
		for (r = 0; r < tjPlaneHeight(c, h, to); r++)
			for (x = 0; x < want.stride[c]; x++) {
				int sh2 = tjPlaneHeight(c, h, from) - 1;
				int a = r * ov / sv, b = (r * ov + ov - 1) / sv;
				int x0 = x << (1 - sh), x1 = x0 + (1 - sh);
				const unsigned char *pa, *pb;

				a = a < sh2 ? a : sh2;
				b = b < sh2 ? b : sh2;
				x1 = x1 < tjPlaneWidth(c, w, from) ? x1 : x0;
				pa = s.p[c] + a * s.stride[c];
				pb = s.p[c] + b * s.stride[c];
				want.p[c][r * want.stride[c] + x] = (unsigned
					char)(sh ? (pa[x0] + pb[x0] + 1) / 2 :
					(pa[x0] + pa[x1] + pb[x0] + pb[x1] + 2)
					/ 4);
			}
	snprintf(what, sizeof(what), "planes %dx%d ss %d as ss %d", w, h,
		 from, to);
	check_encode(j, &in, &want, to, 0, what);
	yuv_free(&s);
	yuv_free(&want);
}

/* A YUYV buffer straight in: the result is the reference split. */
static void test_encode_yuyv(struct jpeg *j, int w, int h, int subsamp,
			     size_t hint)
{
	int stride = 2 * w + 8;
	unsigned char *src = yuyv_pic(h, stride, 1);
	struct jpeg_in in = { .yuyv = src, .stride = stride, .w = w, .h = h };
	struct yuv want = {0};
	char what[64];

	yuv_alloc(&want, w, h, subsamp);
	yuv_from_yuyv(&want, src, stride);
	CHECK(yuyv_ref_ok(&want, src, stride), "YUYV %dx%d reference", w, h);
	snprintf(what, sizeof(what), "YUYV %dx%d 4:2:%d%s", w, h,
		 subsamp == TJSAMP_420 ? 0 : 2, hint ? ", block grows" : "");
	check_encode(j, &in, &want, subsamp, hint, what);
	yuv_free(&want);
	free(src);
}

/* The frame is byte for byte what TurboJPEG makes of the same planes
 * (same tables, same DCT, padding by repeating the edge), but for the
 * COM segment after SOI. */
static void test_same_as_tj(struct jpeg *j, int w, int h, int subsamp)
{
	int stride = 2 * w;
	unsigned char *src = yuyv_pic(h, stride, 0), *tj = NULL;
	struct jpeg_in in = { .yuyv = src, .stride = stride, .w = w, .h = h };
	struct jpeg_out out = { .head = 0 };
	struct yuv y = {0};
	unsigned long tjlen = 0;
	tjhandle c = tjInitCompress();
	const unsigned char *p;

	yuv_alloc(&y, w, h, subsamp);
	yuv_from_yuyv(&y, src, stride);
	/* TurboJPEG reads 4:2:0 luma to an even height: the row we repeat. */
	if (h % 2)
		memcpy(y.p[0] + (size_t)h * y.stride[0],
		       y.p[0] + (size_t)(h - 1) * y.stride[0], (size_t)w);
	tjCompressFromYUVPlanes(c, (const unsigned char **)y.p, w, y.stride, h,
				subsamp, &tj, &tjlen, 80, TJFLAG_FASTDCT);
	jpeg_encode(j, &in, subsamp, 80, "ab", 2, &out);
	p = out.mem;
	CHECK(p && out.len == tjlen + 6 && memcmp(p + 8, tj + 2, tjlen - 2)
	      == 0, "YUYV %dx%d 4:2:%d: TurboJPEG's JPEG plus COM (%zu, %lu)",
	      w, h, subsamp == TJSAMP_420 ? 0 : 2, out.len, tjlen);
	free(out.mem);
	tjFree(tj);
	tjDestroy(c);
	yuv_free(&y);
	free(src);
}

static void test_encode_errors(struct jpeg *j)
{
	struct yuv y = {0};
	unsigned char px[64] = {0};
	struct jpeg_in in = { .yuv = &y };
	struct jpeg_in odd = { .yuyv = px, .stride = 64, .w = 3, .h = 2 };
	struct jpeg_out out = { .head = 8 };

	planes_pic(&y, 16, 16, TJSAMP_420);
	CHECK(jpeg_encode(j, &in, TJSAMP_444, 80, "", 0, &out) != 0 &&
	      !out.mem, "4:4:4 output is refused");
	CHECK(jpeg_encode(j, &odd, TJSAMP_420, 80, "", 0, &out) != 0 &&
	      !out.mem, "YUYV of odd width is refused");
	CHECK(jpeg_encode(j, &in, TJSAMP_420, 80, "x", 1, &out) == 0 &&
	      out.mem, "and the encoder still works after");
	free(out.mem);
	yuv_free(&y);
}

static void test_put_com(struct jpeg *j)
{
	static const unsigned char tiny[] = { 0xFF, 0xD8, 0xFF, 0xD9 };
	unsigned char dst[32];
	size_t n = jpeg_put_com(dst, tiny, sizeof(tiny), "ts=1 seq=", 9);
	struct yuv y = {0};
	struct jpeg_in in = { .yuv = &y };
	struct jpeg_out out = { .head = 0 };
	unsigned char *withcom;

	CHECK_INT(n, sizeof(tiny) + 4 + 9, "COM adds 4 + text bytes");
	CHECK(dst[2] == 0xFF && dst[3] == 0xFE && dst[4] == 0 &&
	      dst[5] == 11 && memcmp(dst + 6, "ts=1 seq=", 9) == 0 &&
	      dst[15] == 0xFF && dst[16] == 0xD9,
	      "COM right after SOI with its length, then the rest");
	planes_pic(&y, 64, 48, TJSAMP_422);
	jpeg_encode(j, &in, TJSAMP_422, 80, "", 0, &out);
	withcom = malloc(out.len + JPEG_COM_LEN(3));
	n = jpeg_put_com(withcom, out.mem, out.len, "abc", 3);
	CHECK(jpeg_decode(j, withcom, n, &y) == 0 && y.w == 64 && y.h == 48,
	      "a JPEG with a second COM decodes");
	CHECK(jpeg_decode(j, withcom, n / 2, &y) != 0,
	      "a truncated JPEG does not");
	free(withcom);
	free(out.mem);
	yuv_free(&y);
}

/* A block the caller gives is written into where it holds the JPEG, and
 * grown where it does not; the JPEG is the same either way. */
static void test_given_block(struct jpeg *j)
{
	struct yuv y = {0};
	struct jpeg_in in = { .yuv = &y };
	struct jpeg_out a = { .head = 16 }, b = { .head = 16 };
	void *big = malloc(1 << 20), *tiny = malloc(64);

	planes_pic(&y, 320, 240, TJSAMP_420);
	CHECK(jpeg_encode(j, &in, TJSAMP_420, 80, "c", 1, &a) == 0,
	      "made block: encodes");
	b.mem = big;
	b.cap = 1 << 20;
	CHECK(jpeg_encode(j, &in, TJSAMP_420, 80, "c", 1, &b) == 0 &&
	      b.mem == big && b.cap == 1 << 20,
	      "a given block that holds the JPEG is used as it is");
	CHECK(b.len == a.len && memcmp((char *)b.mem + 16, (char *)a.mem + 16,
				       a.len) == 0, "and holds the same JPEG");
	free(b.mem);
	b.mem = tiny;
	b.cap = 64;
	b.hint = 100;
	CHECK(jpeg_encode(j, &in, TJSAMP_420, 80, "c", 1, &b) == 0 &&
	      b.cap >= b.head + b.len && b.len == a.len &&
	      memcmp((char *)b.mem + 16, (char *)a.mem + 16, a.len) == 0,
	      "a given block too small for it is grown (cap %zu, len %zu)",
	      b.cap, b.len);
	free(b.mem);
	free(a.mem);
	yuv_free(&y);
}

int main(void)
{
	static const int sizes[][2] = {
		{16, 16}, {1, 1}, {17, 9}, {1278, 718}, {1279, 719},
		{320, 240}, {100, 37}
	};
	struct jpeg j;
	int i;

	test_yuyv(2, 1, TJSAMP_422);
	test_yuyv(6, 3, TJSAMP_422);
	test_yuyv(640, 4, TJSAMP_422);
	test_yuyv(1278, 2, TJSAMP_422);
	test_yuyv(2, 1, TJSAMP_420);
	test_yuyv(6, 3, TJSAMP_420);
	test_yuyv(34, 5, TJSAMP_420);
	test_yuyv(640, 4, TJSAMP_420);
	test_yuyv(1278, 7, TJSAMP_420);
	test_half(TJSAMP_422);
	test_half(TJSAMP_420);

	CHECK(jpeg_init(&j) == 0, "jpeg_init");
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		test_encode_planes(&j, sizes[i][0], sizes[i][1], TJSAMP_420);
		test_encode_planes(&j, sizes[i][0], sizes[i][1], TJSAMP_422);
	}
	test_encode_convert(&j, 1278, 718, TJSAMP_422, TJSAMP_420);
	test_encode_convert(&j, 33, 17, TJSAMP_422, TJSAMP_420);
	test_encode_convert(&j, 33, 17, TJSAMP_420, TJSAMP_422);
	test_encode_convert(&j, 33, 17, TJSAMP_444, TJSAMP_420);
	test_encode_yuyv(&j, 1280, 720, TJSAMP_420, 0);
	test_encode_yuyv(&j, 1278, 719, TJSAMP_420, 0);
	test_encode_yuyv(&j, 1278, 718, TJSAMP_422, 0);
	test_encode_yuyv(&j, 34, 17, TJSAMP_420, 0);
	test_encode_yuyv(&j, 640, 480, TJSAMP_420, 1);
	test_same_as_tj(&j, 1280, 720, TJSAMP_420);
	test_same_as_tj(&j, 1278, 719, TJSAMP_420);
	test_same_as_tj(&j, 34, 17, TJSAMP_422);
	test_encode_errors(&j);
	test_given_block(&j);
	test_put_com(&j);
	jpeg_fini(&j);
	jpeg_fini(&j);
	CHECK(1, "jpeg_fini twice is safe");
	return unit_done();
}
