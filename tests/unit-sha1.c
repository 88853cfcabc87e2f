/* unit-sha1.c: SHA-1 against the FIPS 180 vectors, and incremental
 * updates at every split point against one-shot. */
#include <stdlib.h>

#include "unit.h"
#include "sha1.h"

static const char *hex(const unsigned char d[20])
{
	static char s[41];
	int i;

	for (i = 0; i < 20; i++)
		snprintf(s + 2 * i, 3, "%02x", d[i]);
	return s;
}

static const char *sha1_hex(const char *s, size_t len)
{
	unsigned char d[20];

	sha1(s, len, d);
	return hex(d);
}

int main(void)
{
	unsigned char d[20], whole[20], buf[200], *big;
	struct sha1 c;
	const char *s448 =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	size_t i, j, k, n;
	int same;

	CHECK_STR(sha1_hex("abc", 3),
		  "a9993e364706816aba3e25717850c26c9cd0d89d", "abc");
	CHECK_STR(sha1_hex("", 0),
		  "da39a3ee5e6b4b0d3255bfef95601890afd80709", "empty");
	CHECK_STR(sha1_hex(s448, strlen(s448)),
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "448-bit");
	CHECK_STR(sha1_hex("The quick brown fox jumps over the lazy dog", 43),
		  "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", "fox");

	/* A million 'a', one-shot and in odd-sized pieces. */
	n = 1000000;
	big = malloc(n);
	if (!big)
		return 99;
	memset(big, 'a', n);
	CHECK_STR(sha1_hex((char *)big, n),
		  "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "million a");
	sha1_init(&c);
	for (i = 0; i < n; i += k) {
		k = (i % 97) + 1;
		if (k > n - i)
			k = n - i;
		sha1_update(&c, big + i, k);
	}
	sha1_final(&c, d);
	CHECK_STR(hex(d), "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
		  "million a in pieces");
	free(big);

	/* Every split of a 200-byte input, and every length 0..200, since
	 * padding changes shape at 55/56 and 63/64 bytes. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	sha1(buf, sizeof(buf), whole);
	same = 1;
	for (i = 0; i <= sizeof(buf); i++) {
		sha1_init(&c);
		sha1_update(&c, buf, i);
		sha1_update(&c, buf + i, sizeof(buf) - i);
		sha1_final(&c, d);
		same &= memcmp(d, whole, 20) == 0;
	}
	CHECK(same, "200 bytes split at every offset == one-shot");
	same = 1;
	for (n = 0; n <= sizeof(buf); n++) {
		unsigned char one[20];

		sha1(buf, n, one);
		for (i = 0; i <= n; i += 13) {
			sha1_init(&c);
			sha1_update(&c, buf, i);
			for (j = i; j < n; j++)
				sha1_update(&c, buf + j, 1);
			sha1_final(&c, d);
			same &= memcmp(d, one, 20) == 0;
		}
	}
	CHECK(same, "lengths 0..200, bytewise tails == one-shot");
	/* The 448-bit vector crosses the 56-byte padding boundary. */
	sha1_init(&c);
	for (i = 0; i < strlen(s448); i++)
		sha1_update(&c, s448 + i, 1);
	sha1_final(&c, d);
	CHECK_STR(hex(d), "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
		  "448-bit bytewise");
	return unit_done();
}
