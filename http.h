/* http.c: HTTP/1.1 request parsing and response helpers.
 * Pure: no sockets, no allocation; results point into the caller's buffer. */
#ifndef HTTP_H
#define HTTP_H
#include <stddef.h>

enum {
	HTTP_MAX_HEAD = 8192,	/* request line + headers; 431 past it */
	HTTP_MAX_HEADERS = 40,
	HTTP_MAX_BODY = 4096	/* a request body; 413 past it */
};

struct http_header {
	const char *name, *value;
	size_t name_len, value_len;	/* value trimmed of OWS */
};

struct http_req {
	const char *method, *target, *path, *query;
	size_t method_len, target_len, path_len, query_len;
	const char *authority;		/* absolute-form targets, or NULL */
	size_t authority_len;
	int minor;			/* 0 for HTTP/1.0, 1 for 1.1 and 1.x */
	size_t content_length;		/* the body that follows the head */
	const char *body;		/* set by the caller once it is in */
	struct http_header h[HTTP_MAX_HEADERS];
	int nh;
};

/* Parses the request head at buf[0..len). Returns the head's length
 * (through the blank line) when it is complete, 0 when more bytes are
 * needed, or a negative HTTP status: -400 malformed (bad request line,
 * bad header line, control characters, obs-fold, missing Host on 1.1,
 * Transfer-Encoding, a bad or conflicting Content-Length), -413 a
 * Content-Length over HTTP_MAX_BODY, -414 a request line
 * that does not end within HTTP_MAX_HEAD, -431 head longer than
 * HTTP_MAX_HEAD or too many headers, -501 for a method name that is a
 * valid token but too long, -505 HTTP major version other than 1
 * (HTTP/1.x for x > 1 is taken as 1.1). Accepts bare LF as a line end,
 * as nginx does. May be called again on the same buffer as it grows.
 * The target is origin-form ("/path?query") or absolute-form
 * ("http://host:port/path?query", authority set). The path is the
 * target's path up to '?', still percent-encoded, query what follows it
 * (query_len 0 and query NULL when there is none). */
int http_parse(const char *buf, size_t len, struct http_req *r);

/* Value of the first header named name (case-insensitive), or NULL;
 * *len gets its length. */
const char *http_header(const struct http_req *r, const char *name,
			size_t *len);

/* Does the comma-separated header value contain token (case-insensitive),
 * e.g. "keep-alive, Upgrade" contains "upgrade"? */
int http_has_token(const char *value, size_t len, const char *token);

/* Does any header line named name carry token in its list? Repeated
 * lines are one list (RFC 9110 5.3): "Connection: keep-alive" and
 * "Connection: Upgrade" together contain "upgrade". */
int http_has_token_all(const struct http_req *r, const char *name,
		       const char *token);

/* Percent-decodes the request's path into out (NUL-terminated). Returns
 * its length, or -1 for a bad escape, an escaped control character
 * (%00..%1F, %7F) or a result that does not fit outsz - 1. */
int http_decode_path(const struct http_req *r, char *out, size_t outsz);

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
