/* share.c: signed share tokens: 32 bytes, hex in the URL, the first 16
 * signed and the last 16 the first 16 bytes of HMAC-SHA-256 over them
 * under the secret. 128 bits of tag: a forger has to guess them. What
 * the 16 say, by their first byte, the version:
 *
 *   1: expiry (8 bytes, big-endian seconds), highest quality (0: any),
 *      6 random bytes naming the link. Every camera: made before a
 *      server had several, still taken.
 *   2: expiry (4 bytes, big-endian seconds: enough until 2106, and a
 *      link lasts a year at most), highest quality, the 6-byte id, the
 *      camera's tag (4 bytes, big-endian; 0: every camera).
 *
 * The camera goes by a 32-bit tag, all the bytes left: a server's few
 * cameras are checked to have distinct tags when it starts, so a link
 * for one never shows another there. */
#include <string.h>

#include "sha256.h"
#include "share.h"
#include "util.h"

enum { SIGNED = 16 };

static void sign(const unsigned char secret[32], unsigned char t[SHARE_BYTES])
{
	unsigned char mac[32];

	hmac_sha256(secret, 32, t, SIGNED, mac);
	memcpy(t + SIGNED, mac, SHARE_BYTES - SIGNED);
}

/* n big-endian bytes at p. */
static uint64_t get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(unsigned char *p, int n, uint64_t v)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

uint32_t share_camera_tag(const char *name)
{
	struct sha256 c;
	unsigned char h[32];
	uint32_t tag;

	sha256_init(&c);
	sha256_update(&c, "camera:", 7);
	sha256_update(&c, name, strlen(name));
	sha256_final(&c, h);
	tag = (uint32_t)get_be(h, 4);
	return tag ? tag : 1;
}

void share_make(const unsigned char secret[32], int64_t expires, int max_q,
		uint32_t camera, const unsigned char id[6],
		char out[SHARE_HEX + 1])
{
	unsigned char t[SHARE_BYTES];

	/* Clamped, never wrapped: a link cannot outlive 2106. */
	if (expires > (int64_t)UINT32_MAX)
		expires = UINT32_MAX;
	t[0] = 2;
	put_be(t + 1, 4, (uint64_t)(expires < 0 ? 0 : expires));
	t[5] = (unsigned char)max_q;
	memcpy(t + 6, id, 6);
	put_be(t + 12, 4, camera);
	sign(secret, t);
	hex_encode(t, SHARE_BYTES, out);
}

/* The signed bytes t of either version into sh; -1 for another one. */
static int parse(const unsigned char t[SHARE_BYTES], struct share *sh)
{
	memset(sh, 0, sizeof(*sh));
	if (t[0] == 1) {
		sh->expires = (int64_t)get_be(t + 1, 8);
		sh->max_q = t[9];
		hex_encode(t + 10, 6, sh->id);
	} else if (t[0] == 2) {
		sh->expires = (int64_t)get_be(t + 1, 4);
		sh->max_q = t[5];
		hex_encode(t + 6, 6, sh->id);
		sh->camera = (uint32_t)get_be(t + 12, 4);
	} else {
		return -1;
	}
	memcpy(sh->raw, t, SHARE_BYTES);
	return 0;
}

int share_check(const unsigned char secret[32], const char *s, int64_t now,
		struct share *sh, const char **why)
{
	unsigned char t[SHARE_BYTES], want[SHARE_BYTES];
	struct share got;

	*why = "not valid";
	if (hex_decode(s, SHARE_BYTES, t) != 0)
		return -1;
	memcpy(want, t, SIGNED);
	sign(secret, want);
	/* The tag first, in constant time: nothing else is looked at in a
	 * token we did not sign. */
	if (!ct_equal(want + SIGNED, t + SIGNED, SHARE_BYTES - SIGNED) ||
	    parse(t, &got) != 0)
		return -1;
	if (got.expires <= now) {
		*why = "expired";
		return -1;
	}
	*sh = got;
	return 0;
}
