/* http.c: HTTP/1.1 request parsing and response helpers.
 * Pure: no sockets, no allocation; results point into the caller's buffer. */
#ifndef HTTP_H
#define HTTP_H
#include <stddef.h>

enum {
	HTTP_MAX_HEAD = 8192,	/* request line + headers; 431 past it */
	HTTP_MAX_HEADERS = 40
};

struct http_header {
	const char *name, *value;
	size_t name_len, value_len;	/* value trimmed of OWS */
};

struct http_req {
	const char *method, *target, *path, *query;
	size_t method_len, target_len, path_len, query_len;
	int minor;			/* 0 for HTTP/1.0, 1 for HTTP/1.1 */
	struct http_header h[HTTP_MAX_HEADERS];
	int nh;
};

/* Parses the request head at buf[0..len). Returns the head's length
 * (through the blank line) when it is complete, 0 when more bytes are
 * needed, or a negative HTTP status: -400 malformed (bad request line,
 * bad header line, control characters, obs-fold, missing Host on 1.1,
 * Content-Length or Transfer-Encoding on a request), -431 head longer
 * than HTTP_MAX_HEAD or too many headers, -501 for a method name that
 * is a valid token but too long, -505 HTTP version other than 1.0/1.1.
 * Accepts bare LF as a line end. May be called again on the same buffer
 * as it grows. The path is the target up to '?', query what follows it
 * (query_len 0 and query NULL when there is none). */
int http_parse(const char *buf, size_t len, struct http_req *r);

/* Value of the first header named name (case-insensitive), or NULL;
 * *len gets its length. */
const char *http_header(const struct http_req *r, const char *name,
			size_t *len);

/* Does the comma-separated header value contain token (case-insensitive),
 * e.g. "keep-alive, Upgrade" contains "upgrade"? */
int http_has_token(const char *value, size_t len, const char *token);

/* Copies the value of query parameter key (no percent-decoding beyond
 * what our parameters need: none) into out, NUL-terminated. Returns its
 * length, or -1 if absent or longer than outsz - 1. */
int http_query(const char *query, size_t qlen, const char *key,
	       char *out, size_t outsz);

/* Does the method equal m exactly (case-sensitive, as RFC 9110 says)? */
int http_method_is(const struct http_req *r, const char *m);

/* Reason phrase for a status code ("Not Found"). */
const char *http_reason(int status);

#endif
