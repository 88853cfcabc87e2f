/* share.c: signed share tokens. A token says: version, expiry, the
 * highest quality it may use, a random id naming the link, the camera it
 * shows (or every one); and an HMAC-SHA-256 over that under the server's
 * secret, so it needs no state on the server, and rotating the secret
 * revokes every link. Pure: no clock, no randomness, no I/O; the caller
 * brings them. */
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
	uint32_t camera;		/* share_camera_tag(); 0: every one */
	char id[13];			/* 6 bytes in hex: names the link */
	unsigned char raw[SHARE_BYTES];
};

/* The tag a token names camera name by: the first 4 bytes of
 * SHA-256("camera:" name), never 0 (0 means every camera). Two names
 * may share one: a server checks its cameras' tags are distinct at start
 * (auth_cameras_check()). */
uint32_t share_camera_tag(const char *name);
/* Writes the token (SHARE_HEX hex digits and a NUL) for a link that
 * expires at `expires` (before 2106), limited to max_q (0: any) and to
 * the camera tagged camera (0: every one), named by id. */
void share_make(const unsigned char secret[32], int64_t expires, int max_q,
		uint32_t camera, const unsigned char id[6],
		char out[SHARE_HEX + 1]);
/* Checks the token in s[0..SHARE_HEX) at time now (seconds since the
 * epoch): either layout (a version 1 token shows every camera). 0 with
 * sh filled; -1 with *why "not valid" (malformed, another secret, a
 * changed byte, a version we do not know) or "expired". */
int share_check(const unsigned char secret[32], const char *s, int64_t now,
		struct share *sh, const char **why);

#endif
