/* unit-ws.c: the handshake key, frame headers, close payloads, UTF-8 and
 * every rule of the client frame parser, each with its close code. */
#include <stdlib.h>

#include "unit.h"
#include "ws.h"

static unsigned char b[70000 + 14];	/* one frame under construction */

/* Builds a masked client frame into out. b0 is FIN|RSV|opcode; lenbytes
 * is 0 for the minimal length encoding, or 2 or 8 to force one. */
static size_t frame(unsigned char *out, int b0, const void *data,
		    size_t len, int lenbytes)
{
	static const unsigned char key[4] = { 0x37, 0xfa, 0x21, 0x3d };
	const unsigned char *d = data;
	size_t h = 0, i;

	if (!lenbytes && len >= 126)
		lenbytes = len <= 0xffff ? 2 : 8;
	out[h++] = (unsigned char)b0;
	out[h++] = 0x80 | (lenbytes == 2 ? 126 : lenbytes == 8 ? 127 :
			   (unsigned char)len);
	for (i = lenbytes; i > 0; i--)
		out[h++] = (unsigned char)((uint64_t)len >> (8 * (i - 1)));
	memcpy(out + h, key, 4);
	h += 4;
	for (i = 0; i < len; i++)
		out[h + i] = d[i] ^ key[i % 4];
	return h + len;
}

static void init(struct ws_parser *p, uint64_t max)
{
	memset(p, 0, sizeof(*p));
	p->max_msg = max;
}

/* Expects buf[0..n) to be refused with close code want. */
static void reject(struct ws_parser *p, unsigned char *buf, size_t n,
		   int want, const char *what)
{
	struct ws_frame f;
	int r = ws_parse(p, buf, n, &f);

	CHECK(r == -1 && p->close_code == want && p->error,
	      "%s: ws_parse %d, close %d (want -1, %d) %s", what, r,
	      p->close_code, want, p->error ? p->error : "");
}

/* Expects buf[0..n) to be one whole frame of opcode op. */
static void parses(struct ws_parser *p, unsigned char *buf, size_t n,
		   int op, const char *what)
{
	struct ws_frame f;
	int r = ws_parse(p, buf, n, &f);

	CHECK(r == (int)n && f.opcode == op, "%s: ws_parse %d (want %d) %s",
	      what, r, (int)n, r < 0 ? p->error : "");
}

static void test_accept_key(void)
{
	static const char *bad[] = {
		"dGhlIHNhbXBsZSBub25jZQ=",	/* 23 chars */
		"dGhlIHNhbXBsZSBub25jZQ===",	/* 25 chars */
		"dGhlIHNhbXBsZSBub25jZR==",	/* pad bits set */
		"dGhlIHNhbXBsZSBub25jZQ.=",	/* bad char */
		"dGhlIHNhbXBsZSBub25jZQAA",	/* 18 bytes */
		"dGhlIHNhbXBsZSBub25jZQA=",	/* 17 bytes */
		"dGhlIHNhbXBsZSBub25j",		/* 15 bytes */
		" dGhlIHNhbXBsZSBub25jZQ==",	/* untrimmed */
		"",
	};
	char out[29];
	size_t i;

	CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", 24, out) == 0,
	      "RFC 6455 sample key accepted");
	CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "sample accept");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(ws_accept_key(bad[i], strlen(bad[i]), out) == -1,
		      "key \"%s\" rejected", bad[i]);
}

static void test_frame_header(void)
{
	static const struct {
		uint64_t len;
		size_t hlen;
		unsigned char want[10];
	} v[] = {
		{ 0, 2, { 0x82, 0 } },
		{ 125, 2, { 0x82, 125 } },
		{ 126, 4, { 0x82, 126, 0, 126 } },
		{ 65535, 4, { 0x82, 126, 0xff, 0xff } },
		{ 65536, 10, { 0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0 } },
		{ 0x0102030405060708ull, 10,
		  { 0x82, 127, 1, 2, 3, 4, 5, 6, 7, 8 } },
	};
	unsigned char h[WS_MAX_HEADER];
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = ws_frame_header(h, WS_BINARY, v[i].len);
		CHECK(n == v[i].hlen && memcmp(h, v[i].want, n) == 0,
		      "header for length %llu: %zu bytes",
		      (unsigned long long)v[i].len, n);
	}
	n = ws_frame_header(h, WS_CLOSE, 2);
	CHECK(n == 2 && h[0] == 0x88 && h[1] == 2, "close header");
}

static void test_close_payload(void)
{
	unsigned char out[125];
	char reason[200];
	size_t n;

	n = ws_close_payload(out, 1009, "too big");
	CHECK(n == 9 && out[0] == 0x03 && out[1] == 0xf1 &&
	      memcmp(out + 2, "too big", 7) == 0, "close 1009 with reason");
	n = ws_close_payload(out, 1000, NULL);
	CHECK(n == 2 && out[0] == 0x03 && out[1] == 0xe8, "close, no reason");
	memset(reason, 'x', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	CHECK_INT(ws_close_payload(out, 1000, reason), 125, "long reason cut");
	/* "é" (C3 A9) straddling the cut at 123 is dropped whole. */
	reason[122] = '\xc3';
	reason[123] = '\xa9';
	CHECK_INT(ws_close_payload(out, 1000, reason), 124,
		  "cut on a UTF-8 boundary");
}

static void test_close_codes(void)
{
	static const int ok[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009,
				  1010, 1011, 1012, 1013, 1014, 3000, 4999 };
	static const int bad[] = { 0, 999, 1004, 1005, 1006, 1015, 1016,
				   2000, 2999, 5000, 65535, -1 };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK(ws_close_code_valid(ok[i]), "close code %d valid", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!ws_close_code_valid(bad[i]), "close code %d invalid",
		      bad[i]);
}

static int utf8(const char *s)
{
	uint32_t st = 0;

	return ws_utf8(&st, (const unsigned char *)s, strlen(s));
}

static void test_utf8(void)
{
	static const char *good[] = {
		"", "plain ASCII", "\xc2\x80", "\xdf\xbf", "caf\xc3\xa9",
		"\xe0\xa0\x80", "\xe2\x82\xac", "\xed\x9f\xbf", "\xee\x80\x80",
		"\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
		"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
	};
	static const char *bad[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf",	/* stray, overlong */
		"\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf",
		"\xed\xa0\x80", "\xed\xbf\xbf",		/* surrogates */
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80",	/* > U+10FFFF */
		"\xf8\x88\x80\x80\x80", "\xfe", "\xff",
		"\xc3\x28", "\xe2\x28\xa1", "\xe2\x82\x28", "a\xc3",
	};
	const unsigned char euro[] = { 0xe2, 0x82, 0xac };
	uint32_t st = 0;
	size_t i;
	int r1, r2, r3;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_INT(utf8(good[i]), 0, "valid UTF-8");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(utf8(bad[i]) != 0, "invalid UTF-8 #%zu", i);
	CHECK_INT(utf8("\xe2\x82"), 1, "truncated sequence is incomplete");
	CHECK_INT(utf8("a\xc3"), 1, "truncated at end is incomplete");
	r1 = ws_utf8(&st, euro, 1);
	r2 = ws_utf8(&st, euro + 1, 1);
	r3 = ws_utf8(&st, euro + 2, 1);
	CHECK(r1 == 1 && r2 == 1 && r3 == 0, "euro fed bytewise");
	st = 0;
	ws_utf8(&st, (const unsigned char *)"\xff", 1);
	CHECK_INT(ws_utf8(&st, (const unsigned char *)"a", 1), -1,
		  "invalid state stays invalid");
}

/* Every prefix of a valid frame needs more; the whole frame parses,
 * unmasked, and nothing past it is read (exact-size heap copies). */
static void test_prefixes(size_t len, int lenbytes)
{
	struct ws_parser p;
	struct ws_frame f;
	unsigned char *data = malloc(len), *copy;
	size_t n, i;
	int r, zero = 1;

	if (!data)
		exit(99);
	for (i = 0; i < len; i++)
		data[i] = (unsigned char)i;
	n = frame(b, 0x82, data, len, lenbytes);
	for (i = 0; i < n; i++) {
		init(&p, 1 << 20);
		copy = malloc(i ? i : 1);
		if (!copy)
			exit(99);
		memcpy(copy, b, i);
		zero &= ws_parse(&p, copy, i, &f) == 0;
		free(copy);
	}
	CHECK(zero, "%zu-byte frame: all %zu prefixes need more", len, n);
	init(&p, 1 << 20);
	r = ws_parse(&p, b, n, &f);
	CHECK(r == (int)n && f.opcode == WS_BINARY && f.fin &&
	      f.msg_opcode == WS_BINARY && f.len == len &&
	      f.payload == b + n - len && memcmp(f.payload, data, len) == 0,
	      "%zu-byte frame (%d length bytes) parses whole", len,
	      lenbytes);
	free(data);
}

static void test_parse_basic(void)
{
	/* RFC 6455 5.7: a single-frame masked text message "Hello". */
	unsigned char hello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f,
				  0x9f, 0x4d, 0x51, 0x58 };
	struct ws_parser p;
	struct ws_frame f;
	size_t n, m;
	int r;

	init(&p, 1000);
	r = ws_parse(&p, hello, sizeof(hello), &f);
	CHECK(r == 11 && f.opcode == WS_TEXT && f.fin && f.len == 5 &&
	      memcmp(f.payload, "Hello", 5) == 0, "RFC 6455 Hello");

	test_prefixes(0, 0);
	test_prefixes(5, 0);
	test_prefixes(125, 0);
	test_prefixes(126, 0);
	test_prefixes(300, 0);
	test_prefixes(65535, 0);
	test_prefixes(65536, 0);
	test_prefixes(5, 2);		/* non-minimal encodings accepted */
	test_prefixes(5, 8);
	test_prefixes(300, 8);

	/* Two frames back to back: each call takes exactly one. */
	init(&p, 1000);
	n = frame(b, 0x81, "one", 3, 0);
	m = frame(b + n, 0x89, "ping", 4, 0);
	r = ws_parse(&p, b, n + m, &f);
	CHECK(r == (int)n && f.len == 3, "first of two frames");
	r = ws_parse(&p, b + n, m, &f);
	CHECK(r == (int)m && f.opcode == WS_PING && f.msg_opcode == WS_PING &&
	      memcmp(f.payload, "ping", 4) == 0, "second of two frames");
}

static void test_parse_header_rules(void)
{
	unsigned char raw[] = { 0x81, 0x05, 'H', 'e', 'l', 'l', 'o' };
	unsigned char big[126];
	struct ws_parser p;
	size_t n;
	int op;

	init(&p, 1000);
	reject(&p, raw, sizeof(raw), 1002, "unmasked frame");
	init(&p, 1000);
	reject(&p, raw, 2, 1002, "unmasked frame, header only");
	for (op = 0x10; op <= 0x40; op <<= 1) {
		init(&p, 1000);
		n = frame(b, 0x81 | op, "x", 1, 0);
		reject(&p, b, n, 1002, "RSV bit");
	}
	for (op = 0; op <= 0xf; op++) {
		if (op <= 2 || (op >= 8 && op <= 0xa))
			continue;
		init(&p, 1000);
		n = frame(b, 0x80 | op, "x", 1, 0);
		reject(&p, b, n, 1002, "reserved opcode");
	}
	memset(big, 'p', sizeof(big));
	init(&p, 1000);
	n = frame(b, 0x89, big, 125, 0);
	parses(&p, b, n, WS_PING, "125-byte ping");
	init(&p, 1000);
	n = frame(b, 0x89, big, 126, 0);
	reject(&p, b, n, 1002, "126-byte ping");
	init(&p, 1000);
	reject(&p, b, 4, 1002, "126-byte ping, header only");
	init(&p, 1000);
	big[0] = 0x03, big[1] = 0xe8;
	n = frame(b, 0x88, big, 126, 0);
	reject(&p, b, n, 1002, "126-byte close");
	init(&p, 1000);
	n = frame(b, 0x8a, big, 126, 0);
	reject(&p, b, n, 1002, "126-byte pong");
	for (op = 8; op <= 0xa; op++) {
		init(&p, 1000);
		n = frame(b, op, "", 0, 0);
		reject(&p, b, n, 1002, "control frame without FIN");
	}
}

static void test_parse_fragments(void)
{
	struct ws_parser p;
	struct ws_frame f;
	size_t n;
	int r;

	init(&p, 1000);
	n = frame(b, 0x80, "x", 1, 0);
	reject(&p, b, n, 1002, "continuation with no message");
	init(&p, 1000);
	n = frame(b, 0x00, "x", 1, 0);
	reject(&p, b, n, 1002, "unfinished continuation with no message");

	init(&p, 1000);
	n = frame(b, 0x01, "Hel", 3, 0);
	r = ws_parse(&p, b, n, &f);
	CHECK(r == (int)n && !f.fin && f.msg_opcode == WS_TEXT &&
	      p.msg_opcode == WS_TEXT && p.msg_len == 3, "first fragment");
	n = frame(b, 0x89, "a", 1, 0);
	parses(&p, b, n, WS_PING, "ping inside a message");
	n = frame(b, 0x8a, "", 0, 0);
	parses(&p, b, n, WS_PONG, "pong inside a message");
	n = frame(b, 0x88, "\x03\xe8", 2, 0);
	parses(&p, b, n, WS_CLOSE, "close inside a message");
	n = frame(b, 0x00, "", 0, 0);
	parses(&p, b, n, WS_CONT, "empty middle fragment");
	n = frame(b, 0x01, "x", 1, 0);
	reject(&p, b, n, 1002, "text inside a text message");

	init(&p, 1000);
	n = frame(b, 0x02, "ab", 2, 0);
	parses(&p, b, n, WS_BINARY, "binary first fragment");
	n = frame(b, 0x82, "x", 1, 0);
	reject(&p, b, n, 1002, "binary inside a binary message");

	init(&p, 1000);
	n = frame(b, 0x02, "ab", 2, 0);
	ws_parse(&p, b, n, &f);
	n = frame(b, 0x80, "cd", 2, 0);
	r = ws_parse(&p, b, n, &f);
	CHECK(r == (int)n && f.opcode == WS_CONT && f.fin &&
	      f.msg_opcode == WS_BINARY && p.msg_opcode == 0 &&
	      p.msg_len == 0, "last fragment ends the message");
	reject(&p, b, n, 1002, "continuation after the message ended");
}

static void test_parse_utf8(void)
{
	static const char *bad[] = {
		"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"ok\xff", "\xe2\x82",
	};
	struct ws_parser p;
	size_t n, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		init(&p, 1000);
		n = frame(b, 0x81, bad[i], strlen(bad[i]), 0);
		reject(&p, b, n, 1007, "invalid UTF-8 text");
	}
	init(&p, 1000);
	n = frame(b, 0x82, "\xff\xc0", 2, 0);
	parses(&p, b, n, WS_BINARY, "binary is not UTF-8 checked");

	/* The euro sign E2 82 AC split across fragments is fine. */
	init(&p, 1000);
	n = frame(b, 0x01, "\xe2", 1, 0);
	parses(&p, b, n, WS_TEXT, "text ending mid-sequence, no FIN");
	n = frame(b, 0x89, "", 0, 0);
	parses(&p, b, n, WS_PING, "ping in the middle of a sequence");
	n = frame(b, 0x00, "\x82", 1, 0);
	parses(&p, b, n, WS_CONT, "continuation still mid-sequence");
	n = frame(b, 0x80, "\xac!", 2, 0);
	parses(&p, b, n, WS_CONT, "sequence completed by last fragment");
	CHECK_INT(p.utf8_state, 0, "UTF-8 state reset after the message");

	init(&p, 1000);
	n = frame(b, 0x01, "\xe2\x82", 2, 0);
	parses(&p, b, n, WS_TEXT, "fragment ending mid-sequence");
	n = frame(b, 0x80, "", 0, 0);
	reject(&p, b, n, 1007, "sequence truncated at FIN");

	init(&p, 1000);
	n = frame(b, 0x01, "ok\xed\xa0", 4, 0);
	reject(&p, b, n, 1007, "surrogate caught before FIN");
}

static void test_parse_close(void)
{
	static const int ok[] = { 1000, 1003, 1007, 1014, 3000, 4999 };
	static const int bad[] = { 0, 999, 1004, 1005, 1006, 1015, 1016,
				   2999, 5000, 65535 };
	unsigned char body[125];
	struct ws_parser p;
	struct ws_frame f;
	size_t n, i;
	int r;

	init(&p, 1000);
	n = frame(b, 0x88, "", 0, 0);
	r = ws_parse(&p, b, n, &f);
	CHECK(r == (int)n && f.close_code == WS_CLOSE_NO_STATUS,
	      "empty close reads as 1005");
	init(&p, 1000);
	n = frame(b, 0x88, "\x03", 1, 0);
	reject(&p, b, n, 1002, "1-byte close");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		init(&p, 1000);
		body[0] = (unsigned char)(ok[i] >> 8);
		body[1] = (unsigned char)ok[i];
		n = frame(b, 0x88, body, 2, 0);
		r = ws_parse(&p, b, n, &f);
		CHECK(r == (int)n && f.close_code == ok[i],
		      "close code %d accepted", ok[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		init(&p, 1000);
		body[0] = (unsigned char)(bad[i] >> 8);
		body[1] = (unsigned char)bad[i];
		n = frame(b, 0x88, body, 2, 0);
		reject(&p, b, n, 1002, "invalid close code");
	}
	init(&p, 1000);
	n = frame(b, 0x88, "\x03\xe8" "bye \xc3\xa9", 8, 0);
	r = ws_parse(&p, b, n, &f);
	CHECK(r == (int)n && f.close_code == 1000 && f.len == 8 &&
	      memcmp(f.payload + 2, "bye \xc3\xa9", 6) == 0,
	      "close with a UTF-8 reason");
	init(&p, 1000);
	n = frame(b, 0x88, "\x03\xe8" "bye \xc3", 7, 0);
	reject(&p, b, n, 1007, "close reason truncated UTF-8");
	init(&p, 1000);
	n = frame(b, 0x88, "\x03\xe8\xed\xa0\x80", 5, 0);
	reject(&p, b, n, 1007, "close reason with a surrogate");
}

static void test_parse_limits(void)
{
	/* Headers alone: the verdict must not wait for the payload. */
	unsigned char h16[] = { 0x82, 0xfe, 0x03, 0xe9 };	/* 1001 */
	unsigned char h64[] = { 0x82, 0xff, 0x00, 0x00, 0x00, 0x01,
				0x00, 0x00, 0x00, 0x00 };	/* 2^32 */
	unsigned char top[] = { 0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 5 };
	unsigned char max64[] = { 0x82, 0xff, 0x7f, 0xff, 0xff, 0xff,
				  0xff, 0xff, 0xff, 0xff };
	static unsigned char data[1001];
	struct ws_parser p;
	size_t n;

	init(&p, 1000);
	n = frame(b, 0x82, data, 1000, 0);
	parses(&p, b, n, WS_BINARY, "message of exactly max_msg");
	init(&p, 1000);
	reject(&p, h16, sizeof(h16), 1009, "max_msg + 1, header only");
	init(&p, 1000);
	reject(&p, h64, sizeof(h64), 1009, "4 GiB frame, header only");
	init(&p, 1000);
	n = frame(b, 0x81, data, 1001, 0);
	reject(&p, b, n, 1009, "max_msg + 1, whole frame");
	init(&p, UINT64_MAX);
	reject(&p, top, sizeof(top), 1002, "64-bit length, top bit set");
	init(&p, UINT64_MAX);
	reject(&p, max64, sizeof(max64), 1009, "2^63 - 1 bytes");

	/* Summed over fragments: 600 + 400 fits, 600 + 401 does not. */
	init(&p, 1000);
	n = frame(b, 0x02, data, 600, 0);
	parses(&p, b, n, WS_BINARY, "600-byte first fragment");
	n = frame(b, 0x00, data, 400, 0);
	parses(&p, b, n, WS_CONT, "400 more: exactly max_msg");
	n = frame(b, 0x80, data, 1, 0);
	reject(&p, b, 2, 1009, "one more byte, header only");

	init(&p, 1000);
	n = frame(b, 0x02, data, 600, 0);
	parses(&p, b, n, WS_BINARY, "600-byte fragment");
	n = frame(b, 0x89, data, 125, 0);
	parses(&p, b, n, WS_PING, "control frames don't count");
	n = frame(b, 0x80, data, 401, 0);
	reject(&p, b, 4, 1009, "fragments summing to max_msg + 1");

	init(&p, 0);
	n = frame(b, 0x81, "", 0, 0);
	parses(&p, b, n, WS_TEXT, "empty message with max_msg 0");
	n = frame(b, 0x89, "x", 1, 0);
	parses(&p, b, n, WS_PING, "ping with max_msg 0");
}

int main(void)
{
	test_accept_key();
	test_frame_header();
	test_close_payload();
	test_close_codes();
	test_utf8();
	test_parse_basic();
	test_parse_header_rules();
	test_parse_fragments();
	test_parse_utf8();
	test_parse_close();
	test_parse_limits();
	return unit_done();
}
