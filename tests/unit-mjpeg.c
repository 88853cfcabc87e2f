/* unit-mjpeg.c: the standard Huffman tables against libjpeg-turbo's own,
 * a DHT-less JPEG repaired and decoded to the same pixels, the truncated
 * and corrupt frames mjpeg_check must reject, and the size mjpeg_size
 * reads from baseline, progressive, hand-made and broken frame headers. */
#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

#include "unit.h"
#include "mjpeg.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
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

/* Offset of the first marker m (FF m) in a well-formed JPEG's headers. */
static size_t marker_at(const unsigned char *p, size_t len, unsigned m)
{
	size_t i = 2;

	while (i + 4 <= len && p[i] == 0xff && p[i + 1] != m)
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	return i;
}

/* mjpeg_size on n bytes; "WxH" or "-1" into out. */
static const char *size_of(const unsigned char *p, size_t n, char *out)
{
	int w = -2, h = -2;

	if (mjpeg_size(p, n, &w, &h) < 0)
		snprintf(out, 32, "-1");
	else
		snprintf(out, 32, "%dx%d", w, h);
	return out;
}

/* Frame headers written by hand: SOI, the segments, a one-component
 * SOS header (the size never needs more). */
static void test_size_by_hand(void)
{
	static const unsigned char sos[] = {
		0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00
	};
	static const struct {
		const char *what, *want;
		unsigned char seg[32];
		size_t len;
	} t[] = {
		{ "baseline, high and low bytes", "772x258",
		  { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x01, 0x02, 0x03, 0x04,
		    0x01, 0x01, 0x11, 0x00 }, 13 },
		{ "progressive SOF2", "65535x1",
		  { 0xff, 0xc2, 0x00, 0x0b, 0x08, 0x00, 0x01, 0xff, 0xff,
		    0x01, 0x01, 0x11, 0x00 }, 13 },
		{ "65000x65000 is a size (the caller judges it)",
		  "65000x65000",
		  { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0xfd, 0xe8, 0xfd, 0xe8,
		    0x01, 0x01, 0x11, 0x00 }, 13 },
		{ "APP0 and fill bytes before SOF", "2x1",
		  { 0xff, 0xe0, 0x00, 0x04, 'J', 'F', 0xff, 0xff, 0xc0,
		    0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x02, 0x01, 0x01,
		    0x11, 0x00 }, 20 },
		{ "three components", "16x8",
		  { 0xff, 0xc1, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10,
		    0x03, 0x01, 0x21, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11,
		    0x01 }, 19 },
		{ "no SOF before SOS", "-1",
		  { 0xff, 0xe0, 0x00, 0x04, 'J', 'F' }, 6 },
		{ "DHT and DAC are not SOF", "-1",
		  { 0xff, 0xc4, 0x00, 0x02, 0xff, 0xcc, 0x00, 0x04, 0x00,
		    0x00 }, 10 },
		{ "zero height", "-1",
		  { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x00, 0x00, 0x10,
		    0x01, 0x01, 0x11, 0x00 }, 13 },
		{ "zero width", "-1",
		  { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x00,
		    0x01, 0x01, 0x11, 0x00 }, 13 },
		{ "no components", "-1",
		  { 0xff, 0xc0, 0x00, 0x08, 0x08, 0x00, 0x10, 0x00, 0x10,
		    0x00 }, 10 },
		{ "length one component short", "-1",
		  { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x10,
		    0x02, 0x01, 0x11, 0x00 }, 13 },
		{ "length one byte long", "-1",
		  { 0xff, 0xc0, 0x00, 0x0c, 0x08, 0x00, 0x10, 0x00, 0x10,
		    0x01, 0x01, 0x11, 0x00, 0x00 }, 14 },
		{ "length under the fixed header", "-1",
		  { 0xff, 0xc0, 0x00, 0x07, 0x08, 0x00, 0x10, 0x00, 0x10 },
		  9 },
		{ "length 0", "-1",
		  { 0xff, 0xc0, 0x00, 0x00 }, 4 },
		{ "length past the end", "-1",
		  { 0xff, 0xc0, 0xff, 0xff, 0x08, 0x00, 0x10, 0x00, 0x10,
		    0x01, 0x01, 0x11, 0x00 }, 13 },
	};
	unsigned char buf[64];
	char got[32];
	size_t i, n;

	for (i = 0; i < LEN(t); i++) {
		buf[0] = 0xff;
		buf[1] = 0xd8;
		memcpy(buf + 2, t[i].seg, t[i].len);
		memcpy(buf + 2 + t[i].len, sos, sizeof(sos));
		n = 2 + t[i].len + sizeof(sos);
		CHECK_STR(size_of(buf, n, got), t[i].want, t[i].what);
	}
	/* A SOF as the last bytes, no SOS after it. */
	memcpy(buf + 2, t[0].seg, t[0].len);
	CHECK_STR(size_of(buf, 2 + t[0].len, got), "-1", "SOF, then the end");
	CHECK_STR(size_of(buf, 1, got), "-1", "one byte");
	CHECK_STR(size_of(buf, 0, got), "-1", "nothing");
	buf[1] = 0xd9;
	CHECK_STR(size_of(buf, 2 + t[0].len, got), "-1", "no SOI");
}

/* Encoded by libjpeg-turbo: baseline, progressive, DHT-less, every
 * truncation. */
static void test_size_encoded(tjhandle c, const unsigned char *rgb,
			      const unsigned char *jpg, size_t jlen,
			      const unsigned char *bare, size_t blen)
{
	unsigned char *pj = NULL, *buf = malloc(jlen + 100);
	unsigned long plen = 0;
	char got[32], want[32];
	size_t i, sos, bad;
	int w, h;

	snprintf(want, sizeof(want), "%dx%d", W, H);
	CHECK_STR(size_of(jpg, jlen, got), want, "baseline from libjpeg-turbo");
	CHECK_STR(size_of(bare, blen, got), want, "without DHT");
	memcpy(buf, jpg, jlen);
	memset(buf + jlen, 0, 100);
	CHECK_STR(size_of(buf, jlen + 100, got), want, "with zero padding");

	CHECK(tjCompress2(c, rgb, W, 0, H, TJPF_RGB, &pj, &plen, TJSAMP_420,
			  75, TJFLAG_PROGRESSIVE) == 0, "progressive encode");
	CHECK(marker_at(pj, plen, 0xc2) < marker_at(pj, plen, 0xda),
	      "progressive JPEG has SOF2");
	CHECK_STR(size_of(pj, plen, got), want, "progressive from "
		  "libjpeg-turbo");

	/* Cut anywhere before the end of the SOS header: no size. After it
	 * the header is whole and the size stands (mjpeg_check judges the
	 * rest). */
	sos = marker_at(jpg, jlen, 0xda);
	sos += 2 + ((size_t)jpg[sos + 2] << 8 | jpg[sos + 3]);
	for (bad = 0, i = 0; i < sos; i++)
		bad += mjpeg_size(jpg, i, &w, &h) == 0;
	CHECK_INT(bad, 0, "truncations before the scan with a size");
	for (bad = 0; i <= jlen; i++)
		bad += strcmp(size_of(jpg, i, got), want) != 0;
	CHECK_INT(bad, 0, "truncations in the scan without the size");

	/* The SOF cut out: no size. */
	i = marker_at(jpg, jlen, 0xc0);
	{
		size_t n = 2 + ((size_t)jpg[i + 2] << 8 | jpg[i + 3]);

		memcpy(buf, jpg, i);
		memcpy(buf + i, jpg + i + n, jlen - i - n);
		CHECK_STR(size_of(buf, jlen - n, got), "-1", "SOF removed");
	}
	/* The SOF's component count disagreeing with its length. */
	memcpy(buf, jpg, jlen);
	buf[i + 9] = 1;
	CHECK_STR(size_of(buf, jlen, got), "-1", "Nf 1 in a 3-component SOF");
	/* A forged size is reported as it is. */
	memcpy(buf, jpg, jlen);
	buf[i + 5] = buf[i + 7] = 0xff;
	buf[i + 6] = buf[i + 8] = 0xff;
	CHECK_STR(size_of(buf, jlen, got), "65535x65535", "forged SOF");
	tjFree(pj);
	free(buf);
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

	test_size_by_hand();
	test_size_encoded(c, rgb, jpg, jlen, bare, blen);

	tjFree(jpg);
	tjDestroy(c);
	tjDestroy(d);
	return unit_done();
}
