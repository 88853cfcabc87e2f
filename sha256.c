/* sha256.c: SHA-256 (FIPS 180-4), HMAC-SHA-256, PBKDF2-HMAC-SHA-256 and a
 * constant-time compare. Pure: no I/O, no allocation, no globals. */
#include <string.h>

#include "sha256.h"

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void put32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24), p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8), p[3] = (unsigned char)x;
}

/* The four functions of FIPS 180-4 4.1.2: Sigma0, Sigma1 on the working
 * variables, sigma0, sigma1 on the message schedule. */
static uint32_t sum0(uint32_t x)
{
	return ror(x, 2) ^ ror(x, 13) ^ ror(x, 22);
}

static uint32_t sum1(uint32_t x)
{
	return ror(x, 6) ^ ror(x, 11) ^ ror(x, 25);
}

static uint32_t sig0(uint32_t x)
{
	return ror(x, 7) ^ ror(x, 18) ^ x >> 3;
}

static uint32_t sig1(uint32_t x)
{
	return ror(x, 17) ^ ror(x, 19) ^ x >> 10;
}

/* Stores the compiler may not drop as dead: secrets leave the stack. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

/* One 64-byte block into the state (FIPS 180-4 6.2.2). */
static void sha256_block(uint32_t st[8], const unsigned char *p)
{
	/* First 32 bits of the fractional parts of the cube roots of the
	 * first 64 primes (4.2.2). */
	static const uint32_t k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
		0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
		0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
		0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
		0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
		0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
		0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
		0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
		0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
		0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
		0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
		0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
	};
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	/* The message schedule (step 1). */
	for (i = 0; i < 16; i++)
		w[i] = get32(p + 4 * i);
	for (; i < 64; i++)
		w[i] = sig1(w[i - 2]) + w[i - 7] + sig0(w[i - 15]) + w[i - 16];
	/* The working variables (steps 2 and 3). */
	a = st[0], b = st[1], c = st[2], d = st[3];
	e = st[4], f = st[5], g = st[6], h = st[7];
	for (i = 0; i < 64; i++) {
		/* Ch(e, f, g) and Maj(a, b, c) written out. */
		t1 = h + sum1(e) + ((e & f) ^ (~e & g)) + k[i] + w[i];
		t2 = sum0(a) + ((a & b) ^ (a & c) ^ (b & c));
		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	/* The intermediate hash value (step 4). */
	st[0] += a, st[1] += b, st[2] += c, st[3] += d;
	st[4] += e, st[5] += f, st[6] += g, st[7] += h;
}

void sha256_init(struct sha256 *c)
{
	/* First 32 bits of the fractional parts of the square roots of the
	 * first 8 primes (5.3.3). */
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
}

void sha256_update(struct sha256 *c, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t used = c->len % 64, k;

	if (n == 0)
		return;
	c->len += n;
	if (used) {
		k = 64 - used < n ? 64 - used : n;
		memcpy(c->buf + used, s, k);
		s += k, n -= k;
		if (used + k < 64)
			return;
		sha256_block(c->h, c->buf);
	}
	for (; n >= 64; s += 64, n -= 64)
		sha256_block(c->h, s);
	memcpy(c->buf, s, n);
}

void sha256_final(struct sha256 *c, unsigned char out[32])
{
	/* The length is in bits, modulo 2^64 as the standard allows. */
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t used = c->len % 64;
	size_t n = (used < 56 ? 56 : 120) - used;
	int i;

	put32(pad + n, (uint32_t)(bits >> 32));
	put32(pad + n + 4, (uint32_t)bits);
	sha256_update(c, pad, n + 8);
	for (i = 0; i < 8; i++)
		put32(out + 4 * i, c->h[i]);
}

void sha256(const void *p, size_t n, unsigned char out[32])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, out);
}

void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t klen)
{
	unsigned char k[64] = { 0 }, pad[64];
	int i;

	/* K0: the key, hashed if longer than a block, zero-padded. */
	if (klen > sizeof(k))
		sha256(key, klen, k);
	else if (klen)
		memcpy(k, key, klen);
	/* Each side absorbs its whole block now, so both states are ready to
	 * be copied for another message with the same key. */
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&h->inner);
	sha256_update(&h->inner, pad, sizeof(pad));
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&h->outer);
	sha256_update(&h->outer, pad, sizeof(pad));
	wipe(k, sizeof(k));
	wipe(pad, sizeof(pad));
}

void hmac_sha256_update(struct hmac_sha256 *h, const void *msg, size_t n)
{
	sha256_update(&h->inner, msg, n);
}

void hmac_sha256_final(struct hmac_sha256 *h, unsigned char out[32])
{
	unsigned char d[32];

	sha256_final(&h->inner, d);
	sha256_update(&h->outer, d, sizeof(d));
	sha256_final(&h->outer, out);
}

void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
		 unsigned char out[32])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, key, klen);
	hmac_sha256_update(&h, msg, n);
	hmac_sha256_final(&h, out);
	wipe(&h, sizeof(h));
}

int pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt,
		  size_t saltlen, unsigned long iterations,
		  unsigned char *out, size_t outlen)
{
	struct hmac_sha256 keyed, salted, h;
	unsigned char ctr[4], u[32], t[32];
	unsigned long j;
	uint32_t i;
	size_t k, n;

	/* dkLen may be at most (2^32 - 1) * hLen (5.2 step 1): at most
	 * 2^32 - 1 blocks. Written without a wider cast, which a 32-bit
	 * size_t makes an always-false comparison (-Wtype-limits, armhf). */
	if (iterations == 0 || outlen == 0 || (outlen - 1) / 32 >= 0xffffffff)
		return -1;
	/* The password is keyed once and the salt absorbed once; every
	 * PRF call below starts from a struct copy. */
	hmac_sha256_init(&keyed, pw, pwlen);
	salted = keyed;
	hmac_sha256_update(&salted, salt, saltlen);
	for (i = 1; outlen > 0; i++) {
		/* U_1 = PRF(P, S || INT(i)) */
		put32(ctr, i);
		h = salted;
		hmac_sha256_update(&h, ctr, sizeof(ctr));
		hmac_sha256_final(&h, u);
		memcpy(t, u, sizeof(t));
		/* U_j = PRF(P, U_{j-1}); T_i = U_1 ^ U_2 ^ ... ^ U_c */
		for (j = 1; j < iterations; j++) {
			h = keyed;
			hmac_sha256_update(&h, u, sizeof(u));
			hmac_sha256_final(&h, u);
			for (k = 0; k < sizeof(t); k++)
				t[k] ^= u[k];
		}
		n = outlen < sizeof(t) ? outlen : sizeof(t);
		memcpy(out, t, n);
		out += n, outlen -= n;
	}
	wipe(&keyed, sizeof(keyed));
	wipe(&salted, sizeof(salted));
	wipe(&h, sizeof(h));
	wipe(u, sizeof(u));
	wipe(t, sizeof(t));
	return 0;
}

int ct_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	/* d is 0..255: d - 1 wraps to all ones only for 0, so no branch. */
	return (int)((d - 1) >> 8 & 1);
}
