/* fuzz-http.c: libFuzzer target for http.c.
 * clang -fsanitize=fuzzer,address,undefined -I. tests/fuzz-http.c http.c */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* Does p[0..n) lie inside buf[0..len)? */
static int inside(const char *buf, size_t len, const char *p, size_t n)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct http_req r, r2;
	char out[16], path[HTTP_MAX_HEAD];
	size_t i, n;
	int rc, rc2;
	const char *v;

	rc = http_parse(buf, size, &r);
	assert(rc == 0 || rc == -400 || rc == -413 || rc == -414 ||
	       rc == -431 || rc == -501 || rc == -505 ||
	       (rc > 0 && (size_t)rc <= size && rc <= HTTP_MAX_HEAD));

	/* Growing the buffer never turns a verdict back into "need more",
	 * and a complete head stays the same head. */
	if (size > 0) {
		rc2 = http_parse(buf, size - 1, &r2);
		assert(rc2 == 0 || rc2 == rc);
	}
	if (rc <= 0)
		return 0;
	assert(http_parse(buf, (size_t)rc, &r2) == rc);

	/* Everything points into the buffer, within the head. */
	assert(inside(buf, (size_t)rc, r.method, r.method_len));
	assert(inside(buf, (size_t)rc, r.target, r.target_len));
	/* The path is the target's, or "/" for "http://host". */
	assert((r.path_len == 1 && r.path[0] == '/') ||
	       inside(r.target, r.target_len, r.path, r.path_len));
	assert(r.authority == NULL ? r.target[0] == '/' :
	       inside(r.target, r.target_len, r.authority, r.authority_len));
	assert(r.query == NULL ? r.query_len == 0 :
	       inside(buf, (size_t)rc, r.query, r.query_len));
	assert(r.minor == 0 || r.minor == 1);
	assert(r.content_length <= HTTP_MAX_BODY);
	assert(r.nh >= 0 && r.nh <= HTTP_MAX_HEADERS);
	for (i = 0; i < (size_t)r.nh; i++) {
		assert(inside(buf, (size_t)rc, r.h[i].name, r.h[i].name_len));
		assert(inside(buf, (size_t)rc, r.h[i].value,
			      r.h[i].value_len));
		assert(r.h[i].name_len > 0);
	}
	assert(r.minor == 0 || http_header(&r, "host", &n) != NULL);

	/* The helpers on whatever the parser accepted. */
	(void)http_method_is(&r, "GET");
	if ((v = http_header(&r, "connection", &n)) != NULL)
		(void)http_has_token(v, n, "upgrade");
	for (i = 0; i < (size_t)r.nh; i++)
		(void)http_has_token(r.h[i].value, r.h[i].value_len, "x");
	rc2 = http_query(r.query, r.query_len, "q", out, sizeof(out));
	assert(rc2 == -1 || (rc2 >= 0 && (size_t)rc2 < sizeof(out) &&
			     strlen(out) == (size_t)rc2));
	(void)http_query(r.query, r.query_len, "", out, sizeof(out));
	(void)http_has_token_all(&r, "connection", "close");
	rc2 = http_decode_path(&r, path, sizeof(path));
	assert(rc2 == -1 || ((size_t)rc2 <= r.path_len &&
			     strlen(path) == (size_t)rc2));
	return 0;
}
