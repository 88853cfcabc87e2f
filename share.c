/* share.c: signed share tokens. Layout (32 bytes, hex in the URL):
 * version 1, expiry (8 bytes, big-endian seconds), highest quality
 * (0: any), 6 random bytes naming the link, then the first 16 bytes of
 * HMAC-SHA-256 over those 16 under the secret. 128 bits of tag: a forger
 * has to guess them. */
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

void share_make(const unsigned char secret[32], int64_t expires, int max_q,
		const unsigned char id[6], char out[SHARE_HEX + 1])
{
	unsigned char t[SHARE_BYTES];
	uint64_t e = (uint64_t)expires;
	int i;

	t[0] = 1;
	for (i = 0; i < 8; i++)
		t[1 + i] = (unsigned char)(e >> (56 - 8 * i));
	t[9] = (unsigned char)max_q;
	memcpy(t + 10, id, 6);
	sign(secret, t);
	hex_encode(t, SHARE_BYTES, out);
}

int share_check(const unsigned char secret[32], const char *s, int64_t now,
		struct share *sh, const char **why)
{
	unsigned char t[SHARE_BYTES], want[SHARE_BYTES];
	uint64_t e = 0;
	int i;

	*why = "not valid";
	if (hex_decode(s, SHARE_BYTES, t) != 0)
		return -1;
	memcpy(want, t, SIGNED);
	sign(secret, want);
	/* The tag first, in constant time: nothing else is looked at in a
	 * token we did not sign. */
	if (!ct_equal(want + SIGNED, t + SIGNED, SHARE_BYTES - SIGNED) ||
	    t[0] != 1)
		return -1;
	for (i = 0; i < 8; i++)
		e = e << 8 | t[1 + i];
	if ((int64_t)e <= now) {
		*why = "expired";
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	sh->expires = (int64_t)e;
	sh->max_q = t[9];
	hex_encode(t + 10, 6, sh->id);
	memcpy(sh->raw, t, SHARE_BYTES);
	return 0;
}
