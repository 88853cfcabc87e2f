/* share.c: signed share tokens. A token says: version, expiry, the
 * highest quality it may use, a random id naming the link; and an
 * HMAC-SHA-256 over that under the server's secret, so it needs no state
 * on the server, and rotating the secret revokes every link. Pure: no
 * clock, no randomness, no I/O; the caller brings them. */
#ifndef SHARE_H
#define SHARE_H
#include <stdint.h>

enum {
	SHARE_BYTES = 32,		/* 16 signed, 16 of the HMAC */
	SHARE_HEX = 2 * SHARE_BYTES	/* as it appears in a URL */
};

struct share {
	int64_t expires;		/* seconds since the epoch */
	int max_q;			/* 0: any quality */
	char id[13];			/* 6 bytes in hex: names the link */
	unsigned char raw[SHARE_BYTES];
};

/* Writes the token (SHARE_HEX hex digits and a NUL) for a link that
 * expires at `expires`, limited to max_q (0: any), named by id. */
void share_make(const unsigned char secret[32], int64_t expires, int max_q,
		const unsigned char id[6], char out[SHARE_HEX + 1]);
/* Checks the token in s[0..SHARE_HEX) at time now (seconds since the
 * epoch). 0 with sh filled; -1 with *why "not valid" (malformed, another
 * secret, a changed byte) or "expired". */
int share_check(const unsigned char secret[32], const char *s, int64_t now,
		struct share *sh, const char **why);

#endif
