/* base64.c: RFC 4648 Base64 (standard alphabet, with padding).
 * Pure: no I/O, no allocation; the caller owns every buffer. */
#ifndef BASE64_H
#define BASE64_H
#include <stddef.h>

/* Bytes needed to encode n bytes, without the terminating NUL. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Encodes len bytes of in into out, which must hold BASE64_LEN(len) + 1
 * bytes; NUL-terminates. Returns the encoded length. */
size_t base64_encode(const void *in, size_t len, char *out);

/* Decodes len characters of canonical padded Base64 into out (room for
 * len / 4 * 3 bytes). Returns the decoded length, or -1 on any character
 * outside the alphabet, bad padding, non-zero pad bits or a length that
 * is not a multiple of 4. */
long base64_decode(const char *in, size_t len, unsigned char *out);

#endif
