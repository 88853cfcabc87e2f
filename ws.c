/* ws.c: RFC 6455 framing and the handshake key.
 * Pure: no sockets, no threads, no allocation beyond the caller's. */
#include <limits.h>
#include <string.h>

#include "base64.h"
#include "sha1.h"
#include "ws.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

int ws_accept_key(const char *key, size_t klen, char out[29])
{
	unsigned char nonce[18], digest[20];
	char buf[24 + sizeof(WS_GUID)];
	struct sha1 c;

	/* RFC 6455 4.1: the key is 16 random bytes, Base64: 24 chars. */
	if (klen != 24 || base64_decode(key, klen, nonce) != 16)
		return -1;
	memcpy(buf, key, 24);
	memcpy(buf + 24, WS_GUID, sizeof(WS_GUID) - 1);
	sha1_init(&c);
	sha1_update(&c, buf, 24 + sizeof(WS_GUID) - 1);
	sha1_final(&c, digest);
	base64_encode(digest, sizeof(digest), out);
	return 0;
}

size_t ws_frame_header(unsigned char out[WS_MAX_HEADER], int opcode,
		       uint64_t len)
{
	int i;

	out[0] = 0x80 | (opcode & 0x0f);
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(len >> (56 - 8 * i));
	return 10;
}

size_t ws_close_payload(unsigned char out[125], int code, const char *reason)
{
	size_t n = reason ? strlen(reason) : 0;

	out[0] = (unsigned char)(code >> 8);
	out[1] = (unsigned char)code;
	if (n > 123) {
		/* Cut before a continuation byte so the reason stays UTF-8. */
		n = 123;
		while (n > 0 && ((unsigned char)reason[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(out + 2, reason, n);
	return 2 + n;
}

int ws_close_code_valid(int code)
{
	/* 1004-1006 and 1015 are reserved for local use (RFC 6455 7.4.1),
	 * 1016-2999 are unassigned, 3000-4999 are for applications. */
	return (code >= 1000 && code <= 1003) ||
	       (code >= 1007 && code <= 1014) ||
	       (code >= 3000 && code <= 4999);
}

/*
 * The state packs what the next byte may be: bits 16+ count the
 * continuation bytes still due, bits 8-15 and 0-7 bound the next one.
 * Narrowed second-byte ranges reject overlongs (E0, F0), surrogates (ED)
 * and code points past U+10FFFF (F4), as in RFC 3629 section 4.
 */
#define UTF8_BAD 0xffffffffu
#define UTF8_NEED(n, lo, hi) ((uint32_t)(n) << 16 | (hi) << 8 | (lo))

int ws_utf8(uint32_t *state, const unsigned char *s, size_t len)
{
	uint32_t st = *state, c;
	size_t i;

	for (i = 0; i < len && st != UTF8_BAD; i++) {
		c = s[i];
		if (st >> 16) {
			if (c < (st & 0xff) || c > (st >> 8 & 0xff))
				st = UTF8_BAD;
			else
				st = (st >> 16) == 1 ? 0 :
				     UTF8_NEED((st >> 16) - 1, 0x80, 0xbf);
		} else if (c < 0x80) {
			st = 0;
		} else if (c >= 0xc2 && c <= 0xdf) {
			st = UTF8_NEED(1, 0x80, 0xbf);
		} else if (c == 0xe0) {
			st = UTF8_NEED(2, 0xa0, 0xbf);
		} else if (c == 0xed) {
			st = UTF8_NEED(2, 0x80, 0x9f);
		} else if (c >= 0xe1 && c <= 0xef) {
			st = UTF8_NEED(2, 0x80, 0xbf);
		} else if (c == 0xf0) {
			st = UTF8_NEED(3, 0x90, 0xbf);
		} else if (c >= 0xf1 && c <= 0xf3) {
			st = UTF8_NEED(3, 0x80, 0xbf);
		} else if (c == 0xf4) {
			st = UTF8_NEED(3, 0x80, 0x8f);
		} else {
			st = UTF8_BAD;
		}
	}
	*state = st;
	return st == UTF8_BAD ? -1 : st ? 1 : 0;
}

static int fail(struct ws_parser *p, int code, const char *why)
{
	p->close_code = code;
	p->error = why;
	return -1;
}

int ws_parse(struct ws_parser *p, unsigned char *buf, size_t len,
	     struct ws_frame *f)
{
	uint64_t plen, sofar = 0;
	size_t hlen = 2, i;
	unsigned char *mask, *pl;
	int fin, op, mop, r;
	uint32_t st;

	/* FIRST TWO BYTES: everything but the extended length. */
	if (len < 2)
		return 0;
	fin = buf[0] >> 7;
	op = buf[0] & 0x0f;
	if (buf[0] & 0x70)
		return fail(p, WS_CLOSE_PROTOCOL, "RSV bit set");
	if (!(buf[1] & 0x80))
		return fail(p, WS_CLOSE_PROTOCOL, "unmasked client frame");
	if (op != WS_CONT && op != WS_TEXT && op != WS_BINARY &&
	    op != WS_CLOSE && op != WS_PING && op != WS_PONG)
		return fail(p, WS_CLOSE_PROTOCOL, "reserved opcode");
	if (op & 0x8 && !fin)
		return fail(p, WS_CLOSE_PROTOCOL, "fragmented control frame");
	if (op == WS_CONT && !p->msg_opcode)
		return fail(p, WS_CLOSE_PROTOCOL, "stray continuation");
	if ((op == WS_TEXT || op == WS_BINARY) && p->msg_opcode)
		return fail(p, WS_CLOSE_PROTOCOL, "new message inside message");

	/* PAYLOAD LENGTH: 7 bits, or 16 or 64 bits in network order. */
	plen = buf[1] & 0x7f;
	if (plen >= 126) {
		hlen = plen == 126 ? 4 : 10;
		if (len < hlen)
			return 0;
		for (plen = 0, i = 2; i < hlen; i++)
			plen = plen << 8 | buf[i];
		if (plen >> 63)
			return fail(p, WS_CLOSE_PROTOCOL, "length top bit set");
	}
	if (op & 0x8 && plen > 125)
		return fail(p, WS_CLOSE_PROTOCOL, "control frame over 125");
	if (op == WS_CONT)
		sofar = p->msg_len;
	/* Checked sum, without wrapping even if max_msg shrank. */
	if (!(op & 0x8) && (sofar > p->max_msg || plen > p->max_msg - sofar))
		return fail(p, WS_CLOSE_TOO_BIG, "message too big");
	if (plen > (uint64_t)INT_MAX - hlen - 4)
		return fail(p, WS_CLOSE_TOO_BIG, "frame too big");

	/* MASKING KEY AND PAYLOAD */
	mask = buf + hlen;
	hlen += 4;
	if (len < hlen || plen > len - hlen)
		return 0;
	pl = buf + hlen;
	for (i = 0; i < plen; i++)
		pl[i] ^= mask[i % 4];

	f->opcode = op;
	f->fin = fin;
	f->payload = pl;
	f->len = (size_t)plen;
	f->close_code = 0;
	mop = op == WS_CONT ? p->msg_opcode : op;
	f->msg_opcode = mop;

	if (op == WS_CLOSE) {
		/* A close body is empty or a code plus a UTF-8 reason. */
		if (plen == 1)
			return fail(p, WS_CLOSE_PROTOCOL, "1-byte close");
		f->close_code = WS_CLOSE_NO_STATUS;
		if (plen >= 2) {
			f->close_code = pl[0] << 8 | pl[1];
			if (!ws_close_code_valid(f->close_code))
				return fail(p, WS_CLOSE_PROTOCOL,
					    "invalid close code");
			st = 0;
			if (ws_utf8(&st, pl + 2, f->len - 2) != 0)
				return fail(p, WS_CLOSE_BAD_DATA,
					    "close reason not UTF-8");
		}
	} else if (!(op & 0x8)) {
		if (mop == WS_TEXT) {
			r = ws_utf8(&p->utf8_state, pl, f->len);
			if (r < 0 || (fin && r != 0))
				return fail(p, WS_CLOSE_BAD_DATA,
					    "text not UTF-8");
		}
		p->msg_opcode = fin ? 0 : mop;
		p->msg_len = fin ? 0 : sofar + plen;
		if (fin)
			p->utf8_state = 0;
	}
	return (int)(hlen + plen);
}
