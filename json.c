/* json.c: one flat JSON object (RFC 8259), read without allocating. */
#include <string.h>

#include "json.h"

struct cur {
	const char *p, *end;
};

static void skip_space(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

/* Appends byte b to out (NULL: only counts). 0, or -1 if it does not fit
 * with its NUL. */
static int put(char *out, size_t outsz, size_t *n, unsigned char b)
{
	if (out) {
		if (*n + 1 >= outsz)
			return -1;
		out[*n] = (char)b;
	}
	(*n)++;
	return 0;
}

static int put_utf8(char *out, size_t outsz, size_t *n, unsigned long cp)
{
	if (cp < 0x80)
		return put(out, outsz, n, (unsigned char)cp);
	if (cp < 0x800)
		return put(out, outsz, n, (unsigned char)(0xc0 | cp >> 6)) ||
		       put(out, outsz, n, (unsigned char)(0x80 | (cp & 63)));
	if (cp < 0x10000)
		return put(out, outsz, n, (unsigned char)(0xe0 | cp >> 12)) ||
		       put(out, outsz, n, (unsigned char)(0x80 |
							  (cp >> 6 & 63))) ||
		       put(out, outsz, n, (unsigned char)(0x80 | (cp & 63)));
	return put(out, outsz, n, (unsigned char)(0xf0 | cp >> 18)) ||
	       put(out, outsz, n, (unsigned char)(0x80 | (cp >> 12 & 63))) ||
	       put(out, outsz, n, (unsigned char)(0x80 | (cp >> 6 & 63))) ||
	       put(out, outsz, n, (unsigned char)(0x80 | (cp & 63)));
}

/* Four hex digits after "\u"; -1 if they are not. */
static long hex4(struct cur *c)
{
	long v = 0;
	int i;

	if (c->end - c->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char ch = *c->p++;
		int d = ch >= '0' && ch <= '9' ? ch - '0' :
			ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		if (d < 0)
			return -1;	/* every one of the four a digit */
		v = v * 16 + d;
	}
	return v;
}

/* An escape after the backslash: its code point, or -1. */
static long escape(struct cur *c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	long hi, lo;

	if (c->p == c->end)
		return -1;
	if (*c->p != 'u') {
		e = strchr(from, *c->p++);
		return e && *e ? (unsigned char)to[e - from] : -1;
	}
	c->p++;
	if ((hi = hex4(c)) < 0 || (hi >= 0xdc00 && hi <= 0xdfff))
		return -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return hi;
	/* A high surrogate must be followed by a low one. */
	if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
		return -1;
	c->p += 2;
	if ((lo = hex4(c)) < 0xdc00 || lo > 0xdfff)
		return -1;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string at c->p, unescaped into out (NULL: skipped). Its length, or
 * JSON_BAD. */
static int string(struct cur *c, char *out, size_t outsz)
{
	size_t n = 0;
	long cp;

	if (c->p == c->end || *c->p != '"')
		return JSON_BAD;
	c->p++;
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch == '"') {
			if (out)
				out[n] = 0;
			return (int)n;
		}
		if (ch < 0x20)
			return JSON_BAD;
		if (ch != '\\') {
			if (put(out, outsz, &n, ch) != 0)
				return JSON_BAD;
			continue;
		}
		if ((cp = escape(c)) <= 0 ||
		    put_utf8(out, outsz, &n, (unsigned long)cp) != 0)
			return JSON_BAD;
	}
	return JSON_BAD;
}

/* A number, true, false or null, copied as written. */
static int scalar(struct cur *c, char *out, size_t outsz)
{
	const char *start = c->p;
	size_t n;

	while (c->p < c->end && strchr("+-.0123456789eEtruefalsn", *c->p) &&
	       *c->p)
		c->p++;
	n = (size_t)(c->p - start);
	if (n == 0)
		return JSON_BAD;
	if (!((start[0] >= '0' && start[0] <= '9') || start[0] == '-') &&
	    !(n == 4 && !memcmp(start, "true", 4)) &&
	    !(n == 5 && !memcmp(start, "false", 5)) &&
	    !(n == 4 && !memcmp(start, "null", 4)))
		return JSON_BAD;
	if (out) {
		if (n >= outsz)
			return JSON_BAD;
		memcpy(out, start, n);
		out[n] = 0;
	}
	return (int)n;
}

/* One walk over a flat object: each pair's value is copied into out when
 * its key is the one wanted (every key, when key is NULL) and then handed
 * to fn, if set. */
struct walk {
	const char *key;
	char *out;
	size_t outsz;
	int (*fn)(void *arg, const char *key, const char *val, int is_str);
	void *arg;
	int found, is_str;
};

/* 0 once the whole object is read, JSON_BAD, or what fn returned. */
static int walk(const char *s, size_t n, struct walk *w)
{
	struct cur c = { s, s + n };
	char k[64];
	int len, match, str, r;

	skip_space(&c);
	if (c.p == c.end || *c.p++ != '{')
		return JSON_BAD;
	skip_space(&c);
	if (c.p < c.end && *c.p == '}')
		c.p++;
	else
		for (;;) {
			skip_space(&c);
			if ((len = string(&c, k, sizeof(k))) < 0)
				return JSON_BAD;
			match = !w->key || ((size_t)len == strlen(w->key) &&
				memcmp(k, w->key, (size_t)len) == 0);
			skip_space(&c);
			if (c.p == c.end || *c.p++ != ':')
				return JSON_BAD;
			skip_space(&c);
			str = c.p < c.end && *c.p == '"';
			len = str ? string(&c, match ? w->out : NULL, w->outsz)
				  : scalar(&c, match ? w->out : NULL,
					   w->outsz);
			if (len < 0)
				return JSON_BAD;
			if (match) {
				w->found = len;
				w->is_str = str;
				if (w->fn && (r = w->fn(w->arg, k, w->out,
							str)) != 0)
					return r;
			}
			skip_space(&c);
			if (c.p < c.end && *c.p == ',') {
				c.p++;
				continue;
			}
			if (c.p == c.end || *c.p++ != '}')
				return JSON_BAD;
			break;
		}
	skip_space(&c);
	return c.p == c.end ? 0 : JSON_BAD;
}

int json_get(const char *s, size_t n, const char *key, char *out,
	     size_t outsz, int *is_str)
{
	struct walk w = { key, out, outsz, NULL, NULL, JSON_ABSENT, 0 };

	if (walk(s, n, &w) != 0)
		return JSON_BAD;
	if (is_str && w.found >= 0)
		*is_str = w.is_str;
	return w.found;
}

int json_each(const char *s, size_t n,
	      int (*fn)(void *arg, const char *key, const char *val,
			int is_str), void *arg)
{
	char v[JSON_EACH_MAX];
	struct walk w = { NULL, v, sizeof(v), NULL, NULL, JSON_ABSENT, 0 };

	/* The whole object is checked before fn sees any of it. */
	if (walk(s, n, &w) != 0)
		return JSON_BAD;
	w.fn = fn;
	w.arg = arg;
	return walk(s, n, &w);
}
