/* unit-mjpeg.c: the standard Huffman tables against libjpeg-turbo's own,
 * a DHT-less JPEG repaired and decoded to the same pixels, and the
 * truncated and corrupt frames mjpeg_check must reject. */
#include <stdlib.h>
#include <turbojpeg.h>

#include "unit.h"
#include "mjpeg.h"

#define W 96
#define H 64

/* A picture with gradients, edges and noise, so every table is used. */
static void picture(unsigned char *rgb)
{
	unsigned seed = 1;
	int x, y, c;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			for (c = 0; c < 3; c++) {
				seed = seed * 1103515245 + 12345;
				rgb[(y * W + x) * 3 + c] = (unsigned char)
					((x * 255 / W) ^ ((y / 8 + c) & 1 ?
					 0xff : 0) ^ (seed >> 16 & 0x1f));
			}
}

/* Copies jpeg without its DHT segments; the removed bodies (without
 * marker and length) are appended to tables. Returns the new length. */
static size_t strip_dht(const unsigned char *p, size_t len,
			unsigned char *out, unsigned char *tables,
			size_t *tlen)
{
	size_t i = 2, o = 2, n;

	memcpy(out, p, 2);
	*tlen = 0;
	while (i + 4 <= len && p[i] == 0xff && p[i + 1] != 0xda) {
		n = 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
		if (p[i + 1] == 0xc4) {
			memcpy(tables + *tlen, p + i + 4, n - 4);
			*tlen += n - 4;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	memcpy(out + o, p + i, len - i);
	return o + len - i;
}

static int decode(tjhandle d, const unsigned char *p, size_t len,
		  unsigned char *rgb)
{
	int w, h, sub, cs;

	if (tjDecompressHeader3(d, p, (unsigned long)len, &w, &h, &sub,
				&cs) < 0 || w != W || h != H)
		return -1;
	return tjDecompress2(d, p, (unsigned long)len, rgb, W, 0, H,
			     TJPF_RGB, 0);
}

int main(void)
{
	static unsigned char rgb[W * H * 3], a[W * H * 3], b[W * H * 3];
	static unsigned char bare[1 << 16], fixed[(1 << 16) + MJPEG_DHT_LEN];
	static unsigned char tables[1024], buf[1 << 16];
	unsigned char *jpg = NULL;
	unsigned long jlen = 0;
	size_t blen, flen, tlen, i, rejected;
	tjhandle c = tjInitCompress(), d = tjInitDecompress();

	picture(rgb);
	CHECK(c && d, "turbojpeg handles");
	CHECK(tjCompress2(c, rgb, W, 0, H, TJPF_RGB, &jpg, &jlen, TJSAMP_422,
			  85, 0) == 0, "encode: %lu bytes", jlen);
	CHECK(jlen < sizeof(bare), "small enough");

	/* A whole JPEG passes, also with the zero padding drivers leave. */
	CHECK_INT(mjpeg_check(jpg, jlen), 0, "valid jpeg");
	memcpy(buf, jpg, jlen);
	memset(buf + jlen, 0, 100);
	CHECK_INT(mjpeg_check(buf, jlen + 100), 0, "zero padding allowed");
	CHECK_INT(mjpeg_has_dht(jpg, jlen), 1, "encoder wrote DHT");

	/* Our tables are exactly the ones libjpeg-turbo writes. */
	blen = strip_dht(jpg, jlen, bare, tables, &tlen);
	CHECK_INT(tlen, MJPEG_DHT_LEN - 4, "table bytes");
	CHECK_INT(blen, jlen - tlen - 4 * 4, "stripped four DHT segments");
	CHECK_INT(mjpeg_has_dht(bare, blen), 0, "stripped has no DHT");
	CHECK_INT(mjpeg_check(bare, blen), 0, "DHT-less jpeg is well formed");

	flen = mjpeg_add_dht(bare, blen, fixed);
	CHECK_INT(flen, blen + MJPEG_DHT_LEN, "added length");
	CHECK_INT(mjpeg_has_dht(fixed, flen), 1, "repaired has DHT");
	CHECK_INT(mjpeg_check(fixed, flen), 0, "repaired is well formed");
	{
		/* The inserted segment's bodies equal the encoder's. */
		size_t sos = 0;

		while (sos + 1 < flen &&
		       !(fixed[sos] == 0xff && fixed[sos + 1] == 0xc4))
			sos++;
		CHECK(memcmp(fixed + sos + 4, tables, tlen) == 0,
		      "standard tables match libjpeg-turbo's");
		CHECK(fixed[sos + 2] == 0x01 && fixed[sos + 3] == 0xa2,
		      "segment length 418");
		CHECK(fixed[sos + MJPEG_DHT_LEN] == 0xff &&
		      fixed[sos + MJPEG_DHT_LEN + 1] == 0xda,
		      "inserted right before SOS");
	}

	CHECK(decode(d, jpg, jlen, a) == 0, "decode original");
	CHECK(decode(d, fixed, flen, b) == 0, "decode repaired: %s",
	      tjGetErrorStr2(d));
	CHECK(memcmp(a, b, sizeof(a)) == 0, "same pixels");

	/* A JPEG with tables is copied unchanged. */
	CHECK_INT(mjpeg_add_dht(jpg, jlen, buf), jlen, "no second DHT");
	CHECK(memcmp(buf, jpg, jlen) == 0, "copied unchanged");

	/* Every truncation is rejected. */
	rejected = 0;
	for (i = 0; i < jlen; i++)
		rejected += mjpeg_check(jpg, i) < 0;
	CHECK_INT(rejected, jlen, "all truncations rejected");
	rejected = 0;
	for (i = 0; i < blen; i++)
		rejected += mjpeg_check(bare, i) < 0;
	CHECK_INT(rejected, blen, "all DHT-less truncations rejected");

	/* Corruptions a broken USB transfer leaves. */
	memcpy(buf, jpg, jlen);
	buf[1] = 0xd9;
	CHECK_INT(mjpeg_check(buf, jlen), -1, "no SOI");
	memcpy(buf, jpg, jlen);
	buf[4] = 0xff;
	buf[5] = 0xff;
	CHECK_INT(mjpeg_check(buf, jlen), -1, "segment length past the end");
	memcpy(buf, jpg, jlen);
	buf[jlen - 200] = 0xff;
	buf[jlen - 199] = 0x12;
	CHECK_INT(mjpeg_check(buf, jlen), -1, "stray marker in scan data");
	memcpy(buf, jpg, jlen);
	buf[jlen - 100] = 0xff;
	buf[jlen - 99] = 0xd9;
	CHECK_INT(mjpeg_check(buf, jlen), -1, "early EOI");
	memcpy(buf, jpg, jlen);
	memset(buf + jlen / 2, 0, jlen - jlen / 2);
	CHECK_INT(mjpeg_check(buf, jlen), -1, "second half zeroed");
	memcpy(buf, jpg, jlen);
	buf[jlen - 1] = 0xd8;
	CHECK_INT(mjpeg_check(buf, jlen), -1, "bad last marker");
	memset(buf, 0, 4096);
	CHECK_INT(mjpeg_check(buf, 4096), -1, "all zeros");
	CHECK_INT(mjpeg_check((const unsigned char *)"\xff\xd8\xff\xd9", 4),
		  -1, "SOI EOI only");
	memset(buf, 0xff, 4096);
	CHECK_INT(mjpeg_check(buf, 4096), -1, "all 0xff");

	tjFree(jpg);
	tjDestroy(c);
	tjDestroy(d);
	return unit_done();
}
