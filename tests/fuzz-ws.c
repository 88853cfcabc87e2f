/* fuzz-ws.c: libFuzzer target for the pure WebSocket code.
 * clang -fsanitize=fuzzer,address,undefined -I. tests/fuzz-ws.c ws.c \
 *	sha1.c base64.c */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "ws.h"

/* Frames are parsed from an exact-size heap copy so any read past the
 * input is an ASan report; the first byte picks max_msg. */
static void fuzz_parse(const uint8_t *data, size_t size)
{
	struct ws_parser p;
	struct ws_frame f;
	unsigned char *buf;
	size_t off = 0;
	int r;

	if (size < 1)
		return;
	memset(&p, 0, sizeof(p));
	p.max_msg = data[0] & 0x80 ? UINT64_MAX : (uint64_t)data[0] * 64;
	data++, size--;
	buf = malloc(size ? size : 1);
	assert(buf);
	memcpy(buf, data, size);
	while (off < size) {
		r = ws_parse(&p, buf + off, size - off, &f);
		if (r <= 0) {
			assert(r == 0 || (p.close_code && p.error));
			break;
		}
		assert((size_t)r <= size - off);
		assert(f.payload >= buf + off &&
		       f.payload + f.len == buf + off + r);
		assert(f.opcode & 8 ? f.len <= 125 : f.len <= p.max_msg);
		assert(p.msg_len <= p.max_msg);
		if (f.opcode == WS_CLOSE)
			assert(f.len == 0 ? f.close_code == WS_CLOSE_NO_STATUS
			       : ws_close_code_valid(f.close_code));
		off += (size_t)r;
	}
	free(buf);
}

/* Decoding never overflows its out buffer; what decodes re-encodes to
 * the same text (canonical Base64 only). */
static void fuzz_base64(const uint8_t *data, size_t size)
{
	unsigned char *out = malloc(size / 4 * 3 + 1);
	char *again;
	long n;

	assert(out);
	n = base64_decode((const char *)data, size, out);
	if (n >= 0) {
		assert((size_t)n <= size / 4 * 3);
		again = malloc(BASE64_LEN((size_t)n) + 1);
		assert(again);
		assert(base64_encode(out, (size_t)n, again) == size);
		assert(memcmp(again, data, size) == 0);
		free(again);
	}
	free(out);
}

/* Reference UTF-8 check by decoding code points: 0 valid, 1 a valid
 * prefix of a valid string, -1 invalid. Slow and obvious on purpose. */
static int utf8_ref(const uint8_t *s, size_t len)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint8_t tail[4];
	size_t i = 0, n, k;
	uint32_t cp, c;

	while (i < len) {
		n = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 :
		    (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (!n)
			return -1;
		if (len - i < n) {
			/* Truncated: does some completion decode? The
			 * first two bytes decide, so try every second byte
			 * and pad the rest with 0x80. */
			memcpy(tail, s + i, len - i);
			for (c = 0x80; c <= 0xbf; c++) {
				for (k = len - i; k < n; k++)
					tail[k] = k == 1 ? (uint8_t)c : 0x80;
				if (utf8_ref(tail, n) == 0)
					return 1;
			}
			return -1;
		}
		cp = n == 1 ? s[i] : s[i] & (0x7f >> n);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min[n] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += n;
	}
	return 0;
}

/* ws_utf8 agrees with the reference, fed whole or in two pieces. */
static void fuzz_utf8(const uint8_t *data, size_t size)
{
	uint32_t st = 0;
	size_t cut = size ? data[0] % (size + 1) : 0;
	int whole = ws_utf8(&st, data, size), r;

	assert(whole == utf8_ref(data, size));
	st = 0;
	r = ws_utf8(&st, data, cut);
	if (r >= 0)
		r = ws_utf8(&st, data + cut, size - cut);
	assert(r == whole);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char key[29];

	fuzz_parse(data, size);
	fuzz_base64(data, size);
	fuzz_utf8(data, size);
	if (ws_accept_key((const char *)data, size, key) == 0)
		assert(size == 24 && strlen(key) == 28);
	return 0;
}
