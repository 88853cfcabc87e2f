/* sha1.c: SHA-1 (FIPS 180-4), only for the WebSocket handshake.
 * Pure: no I/O, no allocation. */
#include <string.h>

#include "sha1.h"

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

/* One 64-byte block into the state (FIPS 180-4 6.1.2). */
static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5a827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
		else
			f = b ^ c ^ d, k = 0xca62c1d6;
		t = rol(a, 5) + f + e + k + w[i];
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void sha1_init(struct sha1 *c)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
}

void sha1_update(struct sha1 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used = c->len % 64, n;

	c->len += len;
	if (used) {
		n = 64 - used < len ? 64 - used : len;
		memcpy(c->buf + used, p, n);
		p += n, len -= n;
		if (used + n < 64)
			return;
		sha1_block(c->h, c->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		sha1_block(c->h, p);
	memcpy(c->buf, p, len);
}

void sha1_final(struct sha1 *c, unsigned char out[20])
{
	/* The length is in bits, modulo 2^64 as the standard allows. */
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t used = c->len % 64;
	size_t n = (used < 56 ? 56 : 120) - used;
	int i;

	for (i = 0; i < 8; i++)
		pad[n + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, pad, n + 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void sha1(const void *data, size_t len, unsigned char out[20])
{
	struct sha1 c;

	sha1_init(&c);
	sha1_update(&c, data, len);
	sha1_final(&c, out);
}
