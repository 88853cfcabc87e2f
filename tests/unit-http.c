/* unit-http.c: http.c request parser and helpers, including inputs that
 * end at a PROT_NONE guard page (picohttpparser style). */
#define _GNU_SOURCE	/* MAP_ANONYMOUS */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http.h"
#include "unit.h"

static struct http_req req;

static int parse(const char *s)
{
	return http_parse(s, strlen(s), &req);
}

/* Parses a heap copy of exactly n bytes so that the sanitizers and
 * valgrind catch any read past the end. Only the verdict survives. */
static int parse_exact(const char *s, size_t n)
{
	struct http_req r;
	char *p = malloc(n ? n : 1);
	int rc;

	memcpy(p, s, n);
	rc = http_parse(p, n, &r);
	free(p);
	return rc;
}

/* Parses s placed so that its last byte is the last one before a
 * PROT_NONE page. */
static int parse_at_guard(char *page, long pagesz, const char *s, size_t n)
{
	struct http_req r;
	char *p = page + pagesz - n;

	memcpy(p, s, n);
	return http_parse(p, n, &r);
}

static int eq(const char *p, size_t n, const char *want)
{
	return p && n == strlen(want) && memcmp(p, want, n) == 0;
}

static void test_complete(void)
{
	const char *s = "GET /stream.mjpg?q=80&fps=30 HTTP/1.1\r\n"
			"Host: localhost:6732\r\n"
			"User-Agent:  curl/8.0 \t\r\n"
			"X-Empty:\r\n"
			"Connection: keep-alive, Upgrade\r\n"
			"\r\n";
	size_t n;
	const char *v;

	CHECK_INT(parse(s), strlen(s), "complete request: head length");
	CHECK(eq(req.method, req.method_len, "GET"), "method");
	CHECK(eq(req.target, req.target_len, "/stream.mjpg?q=80&fps=30"),
	      "target");
	CHECK(eq(req.path, req.path_len, "/stream.mjpg"), "path");
	CHECK(eq(req.query, req.query_len, "q=80&fps=30"), "query");
	CHECK_INT(req.minor, 1, "minor version");
	CHECK_INT(req.nh, 4, "header count");
	CHECK(eq(req.h[1].name, req.h[1].name_len, "User-Agent"),
	      "header name");
	CHECK(eq(req.h[1].value, req.h[1].value_len, "curl/8.0"),
	      "value trimmed of OWS both sides");
	CHECK(req.h[2].value_len == 0, "empty value");
	v = http_header(&req, "connection", &n);
	CHECK(eq(v, n, "keep-alive, Upgrade"), "lookup lower case");
	v = http_header(&req, "HOST", &n);
	CHECK(eq(v, n, "localhost:6732"), "lookup upper case");
	CHECK(http_header(&req, "Hos", &n) == NULL, "no prefix match");
	CHECK(http_header(&req, "Hostx", &n) == NULL, "no longer match");
	CHECK(http_method_is(&req, "GET"), "method is GET");
	CHECK(!http_method_is(&req, "get"), "method is case-sensitive");
	CHECK(!http_method_is(&req, "GE"), "method is not GE");
	CHECK(!http_method_is(&req, "GETS"), "method is not GETS");

	s = "HEAD / HTTP/1.0\n\n";
	CHECK_INT(parse(s), strlen(s), "1.0 without Host, bare LF");
	CHECK(req.query == NULL && req.query_len == 0, "no query: NULL");
	CHECK(eq(req.path, req.path_len, "/"), "path /");
	CHECK_INT(req.minor, 0, "minor 0");
	CHECK_INT(req.nh, 0, "no headers");
	CHECK(http_method_is(&req, "HEAD"), "method is HEAD");

	s = "GET /a? HTTP/1.1\r\nHost: x\nA: b\r\n\n";
	CHECK_INT(parse(s), strlen(s), "mixed line ends");
	CHECK(req.query != NULL && req.query_len == 0, "empty query");
	CHECK(eq(req.path, req.path_len, "/a"), "path before empty query");

	s = "\r\n\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "leading empty lines skipped");
	CHECK(eq(req.method, req.method_len, "GET"), "method after them");

	s = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\n";
	CHECK_INT(parse(s), strlen("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		  "pipelined bytes after the head are not consumed");

	s = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "Content-Length: 0 is fine");
	s = "GET / HTTP/1.1\r\nHost: x\r\nX: caf\xc3\xa9\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "obs-text in a value");
	s = "M-._~!#$%&'*+^`|z /%41 HTTP/1.1\r\nHost: \r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "every tchar in the method");
	s = "GET /" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "?x=/?:@!$'()*+,;=-._~ HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "pchar and query characters");
}

static void test_bodies(void)
{
	const char *s;

	s = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "a body announced");
	CHECK_INT((int)req.content_length, 17, "its length");
	s = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n"
	    "content-length: 4096\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "the same length twice");
	CHECK_INT((int)req.content_length, 4096, "HTTP_MAX_BODY");
	s = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 000\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "zeros");
	CHECK_INT((int)req.content_length, 0, "no body");
	s = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "no Content-Length");
	CHECK_INT((int)req.content_length, 0, "no body either");
}

static void test_targets(void)
{
	const char *s;
	char out[64];

	s = "GET http://Cam.local:6732/stream?quality=80 HTTP/1.1\r\n"
	    "Host: other\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "absolute-form");
	CHECK(eq(req.authority, req.authority_len, "Cam.local:6732"),
	      "absolute-form authority");
	CHECK(eq(req.path, req.path_len, "/stream"), "absolute-form path");
	CHECK(eq(req.query, req.query_len, "quality=80"),
	      "absolute-form query");
	s = "GET HTTPS://h HTTP/1.1\r\nHost: h\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "absolute-form without a path");
	CHECK(eq(req.path, req.path_len, "/"), "... is /");
	CHECK(eq(req.authority, req.authority_len, "h"), "... authority h");
	s = "GET http://h?x=1 HTTP/1.1\r\nHost: h\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "absolute-form, query, no path");
	CHECK(eq(req.path, req.path_len, "/") &&
	      eq(req.query, req.query_len, "x=1"), "... path / and query");
	s = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "origin-form");
	CHECK(req.authority == NULL, "origin-form has no authority");

	s = "GET / HTTP/1.2\r\nHost: x\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "HTTP/1.2 is taken");
	CHECK_INT(req.minor, 1, "... as 1.1");
	s = "GET / HTTP/1.9\r\n\r\n";
	CHECK_INT(parse(s), -400, "HTTP/1.9 as 1.1 needs Host");

	s = "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n"
	    "Upgrade: websocket\r\nconnection: Upgrade\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "repeated Connection");
	CHECK(http_has_token_all(&req, "Connection", "upgrade"),
	      "a token in the second Connection line");
	CHECK(http_has_token_all(&req, "Connection", "keep-alive"),
	      "a token in the first");
	CHECK(!http_has_token_all(&req, "Connection", "close"),
	      "no token in neither");
	CHECK(!http_has_token_all(&req, "Upgrade", "web"),
	      "no partial token");

	s = "GET /web%73ocket/%38%30%2fx%20y HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "percent-encoded path");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), 17, "decoded");
	CHECK(strcmp(out, "/websocket/80/x y") == 0, "decoded path");
	CHECK_INT(http_decode_path(&req, out, 17), -1, "no room for it");
	CHECK_INT(http_decode_path(&req, out, 18), 17, "exactly room");
	parse("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), -1, "%00");
	parse("GET /a%0a HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), -1, "%0a");
	parse("GET /a%7F HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), -1, "%7F");
	parse("GET /a%4 HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), -1, "short %4");
	parse("GET /a% HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), -1, "bare %");
	parse("GET /a%g0 HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), -1, "%g0");
	parse("GET /%e2%82%ac HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(http_decode_path(&req, out, sizeof(out)), 4, "UTF-8");
	CHECK(strcmp(out, "/\xe2\x82\xac") == 0, "UTF-8 bytes");
}

static void test_incremental(void)
{
	const char *s = "\r\nGET /ws?q=5 HTTP/1.1\r\nHost: h\r\n"
			"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
	const char *lf = "GET / HTTP/1.1\nHost: h\nA: b\n\n";
	size_t i, n = strlen(s);
	char buf[256];
	int bad = 0, rc = 0;

	for (i = 0; i < n; i++)
		if (parse_exact(s, i) != 0)
			bad++;
	CHECK_INT(bad, 0, "every prefix of a CRLF request needs more");
	for (bad = 0, i = 0; i < strlen(lf); i++)
		if (parse_exact(lf, i) != 0)
			bad++;
	CHECK_INT(bad, 0, "every prefix of an LF request needs more");

	/* The caller's way: the same buffer grows a byte at a time. */
	for (i = 1; i <= n && rc == 0; i++) {
		buf[i - 1] = s[i - 1];
		rc = http_parse(buf, i, &req);
	}
	CHECK_INT(rc, n, "byte-at-a-time growth completes at the last byte");
	CHECK_INT(i - 1, n, "and not before");
	CHECK(eq(req.query, req.query_len, "q=5"), "query after growth");
	CHECK_INT(req.nh, 3, "headers after growth");
}

static void test_errors(void)
{
	static const struct {
		const char *req;
		int want;
		const char *what;
	} t[] = {
		/* request line */
		{ "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", -400, "two spaces" },
		{ " GET / HTTP/1.1\r\nHost: x\r\n\r\n", -400, "leading SP" },
		{ "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", -400, "non-token" },
		{ "GET\r\nHost: x\r\n\r\n", -400, "method alone" },
		{ "GET /\r\nHost: x\r\n\r\n", -400, "HTTP/0.9 style" },
		{ "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", -400, "trailing SP" },
		{ "GET / http/1.1\r\nHost: x\r\n\r\n", -400, "lower-case" },
		{ "GET / HTTP/1.10\r\nHost: x\r\n\r\n", -400, "HTTP/1.10" },
		{ "GET / HTTP/1\r\nHost: x\r\n\r\n", -400, "HTTP/1" },
		{ "GET / HTTP/1.x\r\nHost: x\r\n\r\n", -400, "HTTP/1.x" },
		{ "GET / HTTP/1.1\r\r\nHost: x\r\n\r\n", -400, "CR CR LF" },
		{ "GET x HTTP/1.1\r\nHost: x\r\n\r\n", -400, "no slash" },
		{ "GET * HTTP/1.1\r\nHost: x\r\n\r\n", -400, "asterisk" },
		{ "GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", -400,
		  "absolute-form, another scheme" },
		{ "GET http:// HTTP/1.1\r\nHost: h\r\n\r\n", -400,
		  "absolute-form without authority" },
		{ "GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n", -400,
		  "absolute-form with userinfo" },
		{ "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", -400,
		  "authority-form" },
		{ "GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", -400, "tab" },
		{ "GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n", -400, "DEL" },
		{ "GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", -400, "8-bit" },
		{ "GET /a#f HTTP/1.1\r\nHost: x\r\n\r\n", -400, "fragment" },
		{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", -505, "HTTP/2.0" },
		{ "GET / HTTP/3.1\r\nHost: x\r\n\r\n", -505, "HTTP/3.1" },
		{ "GET / HTTP/0.9\r\nHost: x\r\n\r\n", -505, "HTTP/0.9" },
		{ "ABCDEFGHIJKLMNOPQRSTU / HTTP/1.1\r\nHost: x\r\n\r\n", -501,
		  "21-byte method" },
		/* header lines */
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", -400, "SP before :" },
		{ "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", -400, "TAB before :" },
		{ "GET / HTTP/1.1\r\nHost x\r\n\r\n", -400, "no colon" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", -400,
		  "a line of name characters only" },
		{ "GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n", -400,
		  "empty name" },
		{ "GET / HTTP/1.1\r\nHo(st: x\r\n\r\n", -400, "bad name" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n", -400,
		  "obs-fold SP" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n\tc\r\n\r\n", -400,
		  "obs-fold HTAB" },
		{ "GET / HTTP/1.1\r\n Host: x\r\n\r\n", -400,
		  "SP at first header" },
		{ "GET / HTTP/1.1\r\nHost: x\rA: b\r\n\r\n", -400,
		  "bare CR in value" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nA: b\x01\r\n\r\n", -400,
		  "control in value" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nA: \x7f\r\n\r\n", -400,
		  "DEL in value" },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n", 0,
		  "CR CR LF is no end: a bad line, judged later" },
		{ "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n\r\n", -400,
		  "CR CR LF line" },
		/* rules across headers */
		{ "GET / HTTP/1.1\r\n\r\n", -400, "1.1 without Host" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", -400,
		  "two Hosts" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 4097\r\n\r\n",
		  -413, "Content-Length over HTTP_MAX_BODY" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		  -413, "huge Content-Length" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		  -400, "two Content-Lengths that differ" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n",
		  -400, "a Content-Length list" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
		  -400, "a negative Content-Length" },
		{ "GET / HTTP/1.1\r\nHost: x\r\ncontent-length: 0x\r\n\r\n",
		  -400, "Content-Length: 0x" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n",
		  -400, "empty Content-Length" },
		{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		  -400, "Transfer-Encoding" },
		{ "GET / HTTP/1.1\r\nHost: x\r\nTRANSFER-ENCODING: x\r\n\r\n",
		  -400, "Transfer-Encoding, any case" },
		/* rejected early, before the head is complete */
		{ "GET / HTTP/3.0\r\n", -505, "early 505" },
		{ "GET  / HTTP/1.1\r\nHost: x\r\n", -400, "early 400" },
	};
	static const char nul_line[] = "GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char nul_value[] = "GET / HTTP/1.1\r\nHost: \0x\r\n\r\n";
	static const char nul_name[] = "GET / HTTP/1.1\r\nHo\0st: x\r\n\r\n";
	static const char nul_end[] = "GET / HTTP/1.1\r\nHost: x\r\n\0\r\n\r\n";
	static const char nul_lead[] = "\0\r\nGET / HTTP/1.1\r\nHost: x\r\n\n";
	const char *s;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_INT(parse_exact(t[i].req, strlen(t[i].req)), t[i].want,
			  t[i].what);
	CHECK_INT(parse_exact(nul_line, sizeof(nul_line) - 1), -400,
		  "NUL in target");
	CHECK_INT(parse_exact(nul_value, sizeof(nul_value) - 1), -400,
		  "NUL in value");
	CHECK_INT(parse_exact(nul_name, sizeof(nul_name) - 1), -400,
		  "NUL in name");
	CHECK_INT(parse_exact(nul_end, sizeof(nul_end) - 1), -400,
		  "NUL alone on a line");
	CHECK_INT(parse_exact(nul_lead, sizeof(nul_lead) - 1), -400,
		  "NUL before the request line");
	s = "ABCDEFGHIJKLMNOPQRST / HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT(parse(s), strlen(s), "20-byte method is fine");
}

static void test_limits(void)
{
	static char buf[2 * HTTP_MAX_HEAD];
	const char *start = "GET / HTTP/1.1\r\nHost: x\r\n";
	size_t n, len;
	int i;

	/* HTTP_MAX_HEADERS headers fit, one more does not. */
	n = strlen(start);
	memcpy(buf, start, n);
	for (i = 1; i < HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%d: v\r\n",
				      i);
	memcpy(buf + n, "\r\n", 2);
	CHECK_INT(parse_exact(buf, n + 2), n + 2, "HTTP_MAX_HEADERS headers");
	memcpy(buf + n, "Y: z\r\n\r\n", 8);
	CHECK_INT(parse_exact(buf, n + 8), -431, "one header too many");

	/* A head of exactly HTTP_MAX_HEAD bytes, then one byte longer. */
	n = strlen(start);
	memcpy(buf, start, n);
	memcpy(buf + n, "X: ", 3);
	len = HTTP_MAX_HEAD - n - 3 - 4;
	memset(buf + n + 3, 'a', len);
	memcpy(buf + n + 3 + len, "\r\n\r\n", 4);
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD), HTTP_MAX_HEAD,
		  "head of exactly HTTP_MAX_HEAD");
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD + 10), HTTP_MAX_HEAD,
		  "same, with bytes after it");
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD - 1), 0,
		  "one byte short of it needs more");
	memset(buf + n + 3, 'a', len + 1);
	memcpy(buf + n + 3 + len + 1, "\r\n\r\n", 4);
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD + 1), -431,
		  "head of HTTP_MAX_HEAD + 1");
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD), 0,
		  "incomplete at HTTP_MAX_HEAD needs more");

	/* No blank line: 431 as soon as len passes the limit. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, start, strlen(start));
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD + 1), -431,
		  "endless header line");
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD), 0,
		  "long request line within the limit needs more");
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD + 1), -414,
		  "endless request line is 414");
	for (i = 0; i < HTTP_MAX_HEAD + 2; i += 2)
		memcpy(buf + i, "\r\n", 2);
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD), 0,
		  "HTTP_MAX_HEAD bytes of CRLF need more");
	CHECK_INT(parse_exact(buf, HTTP_MAX_HEAD + 2), -431,
		  "endless empty lines");
}

static void test_guard_page(void)
{
	long pagesz = sysconf(_SC_PAGESIZE);
	static const char *t[] = {
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.1\nHost: x\n\n",
		"GET /?a=b HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nA: b \t",
		"GET / HTTP/1.1\r\nHost: x\r\nA:",
		"GET / HTTP/1.1\r\nHost: x\r\nA",
		"GET / HTTP/1.1\r\nHost: x\r\n\r",
		"GET / HTTP/1.1\r",
		"GET /a?b",
		"GET",
		"\r",
		"\r\n\r",
		"G(T / HTTP/1.1\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nA\r\n\r\n",
	};
	char *page;
	size_t i, j, n;
	int bad = 0, rc;

	page = mmap(NULL, 2 * (size_t)pagesz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED ||
	    mprotect(page + pagesz, (size_t)pagesz, PROT_NONE) != 0) {
		CHECK(0, "mmap a guard page");
		return;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i]);
		/* Every prefix too: each ends right at the guard. */
		for (j = 0; j <= n; j++) {
			rc = parse_at_guard(page, pagesz, t[i], j);
			if (j < n && rc != 0 && rc != -400)
				bad++;
		}
		CHECK(1, "guard page: \"%.*s\" and its prefixes",
		      (int)strcspn(t[i], "\r\n"), t[i]);
	}
	CHECK_INT(bad, 0, "guard page prefixes give 0 or 400");
	rc = parse_at_guard(page, pagesz, t[0], strlen(t[0]));
	CHECK_INT(rc, strlen(t[0]), "complete request at the guard");
	munmap(page, 2 * (size_t)pagesz);
}

static void test_tokens(void)
{
	const char *v = "keep-alive, Upgrade";

	CHECK(http_has_token(v, strlen(v), "upgrade"), "Upgrade in list");
	CHECK(http_has_token(v, strlen(v), "KEEP-ALIVE"), "first item");
	CHECK(!http_has_token(v, strlen(v), "close"), "close absent");
	CHECK(!http_has_token(v, strlen(v), "upgrad"), "no prefix match");
	CHECK(!http_has_token(v, strlen(v), "keep"), "no prefix match 2");
	v = " \tUpgrade\t , ,foo,";
	CHECK(http_has_token(v, strlen(v), "upgrade"), "OWS around items");
	CHECK(http_has_token(v, strlen(v), "foo"), "last before a comma");
	CHECK(!http_has_token(v, strlen(v), "oo"), "no suffix match");
	CHECK(http_has_token("upgrade", 7, "Upgrade"), "single item");
	CHECK(!http_has_token("upgrade", 6, "upgrade"), "len respected");
	CHECK(!http_has_token("", 0, "upgrade"), "empty value");
	CHECK(!http_has_token("a b", 3, "a"), "items with spaces inside");
}

static void test_query(void)
{
	const char *q = "ab=1&a=22&abc=&flag&fps=30&a=9";
	size_t n = strlen(q);
	char out[8];

	CHECK_INT(http_query(q, n, "a", out, sizeof(out)), 2, "a found");
	CHECK_STR(out, "22", "a is the first match");
	CHECK_INT(http_query(q, n, "ab", out, sizeof(out)), 1, "ab found");
	CHECK_STR(out, "1", "ab value");
	CHECK_INT(http_query(q, n, "abc", out, sizeof(out)), 0, "abc empty");
	CHECK_STR(out, "", "abc value");
	CHECK_INT(http_query(q, n, "flag", out, sizeof(out)), 0,
		  "key without = is present and empty");
	CHECK_INT(http_query(q, n, "fps", out, sizeof(out)), 2, "fps");
	CHECK_STR(out, "30", "fps value");
	CHECK_INT(http_query(q, n, "b", out, sizeof(out)), -1, "b absent");
	CHECK_INT(http_query(q, n, "abcd", out, sizeof(out)), -1,
		  "longer key absent");
	CHECK_INT(http_query(q, n, "fp", out, sizeof(out)), -1,
		  "prefix key absent");
	CHECK_INT(http_query(q, n, "A", out, sizeof(out)), -1,
		  "keys are case-sensitive");
	CHECK_INT(http_query(q, n, "a", out, 3), 2, "exact fit");
	CHECK_INT(http_query(q, n, "a", out, 2), -1, "overlong value");
	CHECK_INT(http_query(q, n, "abc", out, 1), 0, "empty in 1 byte");
	CHECK_INT(http_query(q, n, "abc", out, 0), -1, "no room at all");
	CHECK_INT(http_query(q, 4, "ab", out, sizeof(out)), 1,
		  "qlen respected");
	CHECK_INT(http_query(q, 3, "ab", out, sizeof(out)), 0,
		  "qlen cuts the value");
	CHECK_INT(http_query(NULL, 0, "a", out, sizeof(out)), -1,
		  "no query");
	CHECK_INT(http_query("a=1=2", 5, "a", out, sizeof(out)), 3,
		  "split at the first =");
	CHECK_STR(out, "1=2", "value keeps later =");
	CHECK_INT(http_query("&&q=5&", 6, "q", out, sizeof(out)), 1,
		  "empty pairs skipped");
	CHECK_STR(out, "5", "value among empty pairs");
}

static void test_reason(void)
{
	static const struct {
		int code;
		const char *want;
	} t[] = {
		{ 101, "Switching Protocols" }, { 200, "OK" },
		{ 204, "No Content" }, { 206, "Partial Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" },
		{ 304, "Not Modified" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 426, "Upgrade Required" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
		{ 418, "Unknown" }, { 0, "Unknown" }, { -400, "Unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_STR(http_reason(t[i].code), t[i].want, "reason");
}

int main(void)
{
	test_complete();
	test_targets();
	test_bodies();
	test_incremental();
	test_errors();
	test_limits();
	test_guard_page();
	test_tokens();
	test_query();
	test_reason();
	return unit_done();
}
