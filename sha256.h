/* sha256.c: SHA-256 (FIPS 180-4), HMAC-SHA-256, PBKDF2-HMAC-SHA-256 and a
 * constant-time compare. Pure: no I/O, no allocation, no globals. */
#ifndef SHA256_H
#define SHA256_H
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	unsigned char buf[64];	/* partial block */
};

/* Keyed state: both hashes have already absorbed their padded key block,
 * so a copy of a fresh struct is a cheap restart with the same key. */
struct hmac_sha256 {
	struct sha256 inner, outer;
};

/* Starts a hash. */
void sha256_init(struct sha256 *c);
/* Hashes p[0..n) after what came before; p may be NULL when n is 0. */
void sha256_update(struct sha256 *c, const void *p, size_t n);
/* Writes the digest to out; c must be initialised again before reuse. */
void sha256_final(struct sha256 *c, unsigned char out[32]);
/* One-shot convenience. */
void sha256(const void *p, size_t n, unsigned char out[32]);

/* Starts an HMAC with key[0..klen) (RFC 2104); any length, a key longer
 * than 64 bytes is hashed first. The key is not kept. */
void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t klen);
/* Adds msg[0..n) to the message; msg may be NULL when n is 0. */
void hmac_sha256_update(struct hmac_sha256 *h, const void *msg, size_t n);
/* Writes the 32-byte tag to out; h must be initialised again before reuse. */
void hmac_sha256_final(struct hmac_sha256 *h, unsigned char out[32]);
/* One-shot convenience. */
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
		 unsigned char out[32]);

/* PBKDF2 (RFC 8018 5.2) with HMAC-SHA-256: derives out[0..outlen) from the
 * password and salt. Takes time proportional to iterations * outlen / 32;
 * it never blocks otherwise. Returns 0, or -1 without touching out when
 * iterations is 0 or outlen is 0 or above (2^32 - 1) * 32. */
int pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt,
		  size_t saltlen, unsigned long iterations,
		  unsigned char *out, size_t outlen);

/* Returns 1 if a[0..n) and b[0..n) are equal, else 0, in a time that
 * depends only on n (for comparing secrets such as tags). */
int ct_equal(const void *a, const void *b, size_t n);

#endif
