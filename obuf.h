/* obuf.c: a bounded, growable output byte buffer with a send offset.
 * No I/O: the connection writes from it. */
#ifndef OBUF_H
#define OBUF_H
#include <stddef.h>

struct obuf {
	char *p;
	size_t len, off, cap;
	int overflow;		/* an append did not fit under OBUF_MAX */
};

#define OBUF_MAX (4u << 20)

/* Append bytes / printf-style text. On overflow the buffer is unchanged
 * and b->overflow is set; callers check it once, after building. */
void obuf_put(struct obuf *b, const void *p, size_t n);
void obuf_printf(struct obuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
void obuf_json_str(struct obuf *b, const char *s);
size_t obuf_pending(const struct obuf *b);	/* len - off */
/* Forgets sent bytes; frees the memory when empty and large. */
void obuf_consume(struct obuf *b, size_t n);
void obuf_reset(struct obuf *b);
void obuf_free(struct obuf *b);

#endif
