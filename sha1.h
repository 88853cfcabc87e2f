/* sha1.c: SHA-1 (FIPS 180-4), only for the WebSocket handshake.
 * Pure: no I/O, no allocation. */
#ifndef SHA1_H
#define SHA1_H
#include <stddef.h>
#include <stdint.h>

struct sha1 {
	uint32_t h[5];
	uint64_t len;		/* bytes hashed so far */
	unsigned char buf[64];	/* partial block */
};

void sha1_init(struct sha1 *c);
void sha1_update(struct sha1 *c, const void *data, size_t len);
void sha1_final(struct sha1 *c, unsigned char out[20]);
/* One-shot convenience. */
void sha1(const void *data, size_t len, unsigned char out[20]);

#endif
