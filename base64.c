/* base64.c: RFC 4648 Base64 (standard alphabet, with padding).
 * Pure: no I/O, no allocation; the caller owns every buffer. */
#include <limits.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 3 <= len; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < len) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* The 6-bit value of c, or -1 if c is not in the alphabet. */
static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *in, size_t len, unsigned char *out)
{
	size_t i, o = 0;
	int s[4], j, pad;
	unsigned long v;

	if (len % 4 != 0 || len / 4 * 3 > LONG_MAX)
		return -1;
	for (i = 0; i < len; i += 4) {
		/* '=' may only end the last quantum: "xx==" or "xxx=". */
		pad = 0;
		if (i + 4 == len && in[i + 3] == '=')
			pad = in[i + 2] == '=' ? 2 : 1;
		for (j = 0; j < 4 - pad; j++)
			if ((s[j] = sextet(in[i + j])) < 0)
				return -1;
		for (; j < 4; j++)
			s[j] = 0;
		v = (unsigned long)s[0] << 18 | (unsigned long)s[1] << 12 |
		    (unsigned long)s[2] << 6 | (unsigned long)s[3];
		/* Canonical form: the bits padding covers must be zero. */
		if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
			return -1;
		out[o++] = (unsigned char)(v >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(v >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)v;
	}
	return (long)o;
}
