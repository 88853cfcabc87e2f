/* http.c: HTTP/1.1 request parsing and response helpers.
 * Pure: no sockets, no allocation; results point into the caller's buffer. */
#include <limits.h>
#include <string.h>

#include "http.h"

/* Longer method names are valid tokens we will never implement: 501. */
enum { METHOD_MAX = 20 };

/* tchar (RFC 9110 5.6.2): the characters of methods and header names. */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive, unlike strncasecmp, which follows the locale. */
static int ieq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Finds the line starting at buf[pos], looking no further than lim.
 * Returns the offset just past its '\n' and sets *n to its length without
 * the line end (LF or CRLF), or returns 0 if the line is incomplete. */
static size_t line_at(const char *buf, size_t pos, size_t lim, size_t *n)
{
	const char *nl = memchr(buf + pos, '\n', lim - pos);

	if (!nl)
		return 0;
	*n = (size_t)(nl - buf) - pos;
	if (*n > 0 && nl[-1] == '\r')
		(*n)--;
	return (size_t)(nl - buf) + 1;
}

/* Splits r->target into authority (absolute-form only), path and query.
 * 0, or -1 for a target that is neither origin- nor absolute-form. */
static int split_target(struct http_req *r)
{
	const char *t = r->target, *end = t + r->target_len, *p, *q;

	r->authority = NULL;
	r->authority_len = 0;
	p = t;
	if (*t != '/') {
		if (r->target_len > 7 && ieq(t, 7, "http://", 7))
			p = t + 7;
		else if (r->target_len > 8 && ieq(t, 8, "https://", 8))
			p = t + 8;
		else
			return -1;
		for (r->authority = p; p < end && *p != '/' && *p != '?'; p++)
			if (*p == '@')
				return -1;	/* userinfo: never ours */
		r->authority_len = (size_t)(p - r->authority);
		if (r->authority_len == 0)
			return -1;
	}
	q = memchr(p, '?', (size_t)(end - p));
	r->path = p;
	r->path_len = (size_t)((q ? q : end) - p);
	if (r->path_len == 0) {		/* "http://host" or "http://host?x" */
		r->path = "/";
		r->path_len = 1;
	}
	r->query = q ? q + 1 : NULL;
	r->query_len = q ? (size_t)(end - q - 1) : 0;
	return 0;
}

/* METHOD SP request-target SP HTTP-version, line of n bytes (RFC 9112 3). */
static int parse_request_line(const char *s, size_t n, struct http_req *r)
{
	size_t i = 0, start;
	const char *v;

	/* METHOD: a token, case-sensitive, followed by exactly one SP. */
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return -400;
	if (i > METHOD_MAX)
		return -501;
	r->method = s;
	r->method_len = i++;

	/* TARGET: origin-form, or absolute-form as a proxy in front may send
	 * (RFC 9112 3.2.2: then its authority stands for Host); "*" and
	 * authority-form get 400. Visible ASCII; '#' never belongs to a
	 * target. */
	start = i;
	while (i < n && (unsigned char)s[i] > ' ' &&
	       (unsigned char)s[i] < 0x7f && s[i] != '#')
		i++;
	if (i == start || i == n || s[i] != ' ')
		return -400;
	r->target = s + start;
	r->target_len = i - start;
	if (split_target(r) != 0)
		return -400;
	i++;

	/* VERSION: "HTTP/" DIGIT "." DIGIT and nothing after it. */
	v = s + i;
	if (n - i != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return -400;
	/* HTTP/1.x for x > 1 is answered as 1.1 (RFC 9110 6.2). */
	if (v[5] != '1')
		return -505;
	r->minor = v[7] == '0' ? 0 : 1;
	return 0;
}

/* name ":" OWS value OWS, line of n bytes (RFC 9112 5). */
static int parse_header_line(const char *s, size_t n, struct http_header *h)
{
	size_t i = 0, end;

	/* A line starting with SP/HTAB is obs-fold, which we may reject;
	 * so are spaces before the colon (RFC 9112 5.1, 5.2). */
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ':')
		return -400;
	h->name = s;
	h->name_len = i++;

	/* Values are visible ASCII, obs-text, SP and HTAB; any other control
	 * (NUL, a stray CR, DEL) is how request smuggling starts. */
	while (i < n && is_ows(s[i]))
		i++;
	for (end = i; end < n; end++)
		if (((unsigned char)s[end] < ' ' && s[end] != '\t') ||
		    s[end] == 0x7f)
			return -400;
	while (end > i && is_ows(s[end - 1]))
		end--;
	h->value = s + i;
	h->value_len = end - i;
	return 0;
}

/* Content-Length's value: digits only, at most HTTP_MAX_BODY. */
static int body_length(const char *v, size_t n, size_t *len)
{
	size_t j, x = 0;

	if (n == 0)
		return -400;
	for (j = 0; j < n; j++) {
		if (v[j] < '0' || v[j] > '9')
			return -400;
		x = x * 10 + (size_t)(v[j] - '0');
		if (x > HTTP_MAX_BODY)
			return -413;
	}
	*len = x;
	return 0;
}

/* Rules that need all the headers: Host (RFC 9112 3.2) and body framing.
 * A body is taken only with Content-Length, at most HTTP_MAX_BODY bytes
 * (the small JSON of a login or a setting); Transfer-Encoding is refused
 * rather than decoded, and two lengths must agree (RFC 9112 6.3), which
 * leaves no room for request smuggling. */
static int check_headers(struct http_req *r)
{
	int i, hosts = 0, lengths = 0, rc;
	size_t len;
	const struct http_header *h;

	r->content_length = 0;
	for (i = 0; i < r->nh; i++) {
		h = &r->h[i];
		if (ieq(h->name, h->name_len, "host", 4))
			hosts++;
		else if (ieq(h->name, h->name_len, "transfer-encoding", 17))
			return -400;
		else if (ieq(h->name, h->name_len, "content-length", 14)) {
			if ((rc = body_length(h->value, h->value_len, &len)) < 0)
				return rc;
			if (lengths++ && len != r->content_length)
				return -400;
			r->content_length = len;
		}
	}
	if (hosts > 1 || (r->minor == 1 && hosts == 0))
		return -400;
	return 0;
}

int http_parse(const char *buf, size_t len, struct http_req *r)
{
	size_t lim = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
	size_t pos = 0, next, n, headers;
	int rc;

	r->nh = 0;
	if (len == 0)	/* buf may be NULL: no arithmetic on it */
		return 0;

	/* 1. Skip empty lines before the request line (RFC 9112 2.2); they
	 * count towards HTTP_MAX_HEAD, so an endless stream of them ends. */
	while (pos < lim && (buf[pos] == '\n' || (buf[pos] == '\r' &&
	       pos + 1 < lim && buf[pos + 1] == '\n')))
		pos += buf[pos] == '\r' ? 2 : 1;

	/* 2. The request line, judged as soon as it is complete; one that
	 * does not end within the head's limit is 414, as nginx says. */
	next = line_at(buf, pos, lim, &n);
	if (next && (rc = parse_request_line(buf + pos, n, r)) < 0)
		return rc;
	if (!next && len > HTTP_MAX_HEAD && pos < lim)
		return -414;
	headers = next;

	/* 3. Find the empty line ending the head before parsing any header,
	 * so that calling again on a growing buffer costs a memchr per line. */
	while (next) {
		pos = next;
		next = line_at(buf, pos, lim, &n);
		if (next && n == 0)
			break;
	}
	if (!next)
		return len > HTTP_MAX_HEAD ? -431 : 0;

	/* 4. Header lines, from after the request line to the empty line. */
	pos = headers;
	while ((next = line_at(buf, pos, lim, &n)) && n > 0) {
		if (r->nh == HTTP_MAX_HEADERS)
			return -431;
		if ((rc = parse_header_line(buf + pos, n, &r->h[r->nh])) < 0)
			return rc;
		r->nh++;
		pos = next;
	}

	/* 5. Rules across headers; the head is buf[0..next), at most
	 * HTTP_MAX_HEAD bytes, so it fits an int. */
	if ((rc = check_headers(r)) < 0)
		return rc;
	return (int)next;
}

const char *http_header(const struct http_req *r, const char *name,
			size_t *len)
{
	size_t nlen = strlen(name);
	int i;

	for (i = 0; i < r->nh; i++) {
		if (ieq(r->h[i].name, r->h[i].name_len, name, nlen)) {
			*len = r->h[i].value_len;
			return r->h[i].value;
		}
	}
	return NULL;
}

int http_has_token(const char *value, size_t len, const char *token)
{
	size_t tlen = strlen(token), i = 0, start, end;

	while (i <= len) {
		/* One list item: value[start..end) with OWS trimmed. */
		while (i < len && is_ows(value[i]))
			i++;
		start = i;
		while (i < len && value[i] != ',')
			i++;
		end = i;
		while (end > start && is_ows(value[end - 1]))
			end--;
		if (ieq(value + start, end - start, token, tlen))
			return 1;
		i++;	/* past the comma, or past len to stop */
	}
	return 0;
}

int http_has_token_all(const struct http_req *r, const char *name,
		       const char *token)
{
	size_t nlen = strlen(name);
	int i;

	for (i = 0; i < r->nh; i++)
		if (ieq(r->h[i].name, r->h[i].name_len, name, nlen) &&
		    http_has_token(r->h[i].value, r->h[i].value_len, token))
			return 1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int http_decode_path(const struct http_req *r, char *out, size_t outsz)
{
	size_t i, n = 0;

	for (i = 0; i < r->path_len; i++) {
		int c = (unsigned char)r->path[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= r->path_len)
				return -1;
			hi = hexval((unsigned char)r->path[i + 1]);
			lo = hexval((unsigned char)r->path[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
			/* A control character is never part of a path of
			 * ours, and NUL would cut it short. */
			if (c < 0x20 || c == 0x7f)
				return -1;
		}
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = 0;
	return (int)n;
}

int http_query(const char *query, size_t qlen, const char *key,
	       char *out, size_t outsz)
{
	size_t klen = strlen(key), i = 0, start, eq, end;

	while (i < qlen) {
		/* One pair: query[start..end), split at the first '='. */
		start = i;
		while (i < qlen && query[i] != '&')
			i++;
		end = i++;
		for (eq = start; eq < end && query[eq] != '='; eq++)
			;
		if (eq - start != klen || memcmp(query + start, key, klen))
			continue;
		/* "key" alone is present with an empty value. */
		if (eq < end)
			eq++;
		if (end - eq >= outsz || end - eq > INT_MAX)
			return -1;
		memcpy(out, query + eq, end - eq);
		out[end - eq] = '\0';
		return (int)(end - eq);
	}
	return -1;
}

int http_method_is(const struct http_req *r, const char *m)
{
	size_t n = strlen(m);

	return r->method_len == n && memcmp(r->method, m, n) == 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 426: return "Upgrade Required";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
