/* obuf.c: a bounded, growable output byte buffer with a send offset. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obuf.h"

static int reserve(struct obuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (n > OBUF_MAX || b->len > OBUF_MAX - n) {
		b->overflow = 1;
		return -1;
	}
	if (b->len + n <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 512;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->overflow = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void obuf_put(struct obuf *b, const void *p, size_t n)
{
	if (n == 0 || reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void obuf_printf(struct obuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n + 1) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void obuf_json_str(struct obuf *b, const char *s)
{
	obuf_put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			obuf_printf(b, "\\%c", c);
		else if (c < 0x20)
			obuf_printf(b, "\\u%04x", c);
		else
			obuf_put(b, s, 1);
	}
	obuf_put(b, "\"", 1);
}

size_t obuf_pending(const struct obuf *b)
{
	return b->len - b->off;
}

void obuf_consume(struct obuf *b, size_t n)
{
	b->off += n;
	if (b->off < b->len)
		return;
	b->off = b->len = 0;
	if (b->cap > 65536) {
		free(b->p);
		b->p = NULL;
		b->cap = 0;
	}
}

void obuf_reset(struct obuf *b)
{
	b->off = b->len = 0;
	b->overflow = 0;
}

void obuf_free(struct obuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
