/* unit-jpeg.c: YUYV split, 2x2 downscale, the COM segment, and an
 * encode/decode round trip through TurboJPEG. */
#include <stdlib.h>
#include <turbojpeg.h>

#include "jpeg.h"
#include "unit.h"

static void test_yuyv(int w, int h)
{
	int stride = w * 2 + 6, x, y, bad = 0;
	unsigned char *src = malloc((size_t)stride * h);
	struct yuv d = {0};

	for (x = 0; x < stride * h; x++)
		src[x] = (unsigned char)(x * 31 + 7);
	CHECK(yuv_alloc(&d, w, h, TJSAMP_422) == 0, "alloc %dx%d", w, h);
	yuv_from_yuyv(&d, src, stride);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			const unsigned char *s = src + (size_t)y * stride;

			bad += d.p[0][y * d.stride[0] + x] != s[2 * x];
			if (x % 2 == 0) {
				bad += d.p[1][y * d.stride[1] + x / 2] !=
				       s[2 * x + 1];
				bad += d.p[2][y * d.stride[2] + x / 2] !=
				       s[2 * x + 3];
			}
		}
	CHECK_INT(bad, 0, "YUYV split: wrong samples");
	yuv_free(&d);
	free(src);
}

static void test_half(void)
{
	struct yuv s = {0}, d = {0};
	int i;

	yuv_alloc(&s, 8, 4, TJSAMP_422);
	for (i = 0; i < 8 * 4; i++)
		s.p[0][i] = (unsigned char)(i % 8 < 4 ? 10 : 200);
	for (i = 0; i < 4 * 4; i++)
		s.p[1][i] = s.p[2][i] = (unsigned char)(i % 2 ? 100 : 102);
	CHECK(yuv_half(&s, &d) == 0, "half of 8x4");
	CHECK(d.w == 4 && d.h == 2 && d.subsamp == TJSAMP_422,
	      "half size 4x2 4:2:2 (got %dx%d)", d.w, d.h);
	CHECK(d.p[0][0] == 10 && d.p[0][3] == 200, "luma box average");
	CHECK_INT(d.p[1][0], 101, "chroma box average (rounded)");
	yuv_free(&s);
	yuv_free(&d);
}

static void test_roundtrip(void)
{
	struct jpeg j;
	struct yuv y = {0}, back = {0};
	const unsigned char *out;
	unsigned char *withcom;
	long len;
	size_t n;
	int i;

	CHECK(jpeg_init(&j) == 0, "jpeg_init");
	yuv_alloc(&y, 64, 48, TJSAMP_422);
	for (i = 0; i < 64 * 48; i++)
		y.p[0][i] = (unsigned char)(i % 64 * 4);
	for (i = 0; i < 32 * 48; i++)
		y.p[1][i] = y.p[2][i] = 128;
	len = jpeg_encode(&j, &y, 80, &out);
	CHECK(len > 100 && out[0] == 0xFF && out[1] == 0xD8, "encode q80");
	withcom = malloc((size_t)len + JPEG_COM_LEN(9));
	n = jpeg_put_com(withcom, out, (size_t)len, "ts=1 seq=2", 9);
	CHECK_INT(n, len + 4 + 9, "COM adds 4 + text bytes");
	CHECK(withcom[2] == 0xFF && withcom[3] == 0xFE &&
	      withcom[4] == 0 && withcom[5] == 11 &&
	      memcmp(withcom + 6, "ts=1 seq=", 9) == 0,
	      "COM right after SOI with its length");
	CHECK(jpeg_decode(&j, withcom, n, &back) == 0 && back.w == 64 &&
	      back.h == 48, "the JPEG with COM decodes");
	CHECK(jpeg_decode(&j, withcom, n / 2, &back) != 0,
	      "a truncated JPEG does not");
	free(withcom);
	yuv_free(&y);
	yuv_free(&back);
	jpeg_fini(&j);
	jpeg_fini(&j);
	CHECK(1, "jpeg_fini twice is safe");
}

int main(void)
{
	test_yuyv(2, 1);
	test_yuyv(6, 3);
	test_yuyv(640, 4);
	test_yuyv(1278, 2);
	test_half();
	test_roundtrip();
	return unit_done();
}
