/* frame.c: encoded frames, their blocks, and the blocks kept for reuse.
 * Touched by the encoders, the source thread and the poll thread: the
 * kept blocks have a lock of their own (pool.lock), taken last and
 * never held while anything else is locked or waited for; a frame
 * itself is immutable once made, its reference count and the count of
 * frames alive atomic. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "frame.h"
#include "jpeg.h"

struct frame *frame_ref(struct frame *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

/* Frame blocks (50-500 KB) are made by the encoders and let go by the
 * poll thread a frame or two later. Handed back to the C library, each
 * would be mapped anew and fault its pages in again (musl maps every
 * block this size, glibc without frames_start() too): 30 page faults and
 * 0.1 ms a 720p frame; 14 rungs cost a fifth more CPU with musl. A few
 * are kept for the next frames instead: bounded in number and bytes,
 * whatever the rungs or the picture. */
#define POOL_BLOCKS 16
#define POOL_BYTES (4u << 20)

static struct {
	pthread_mutex_t lock;
	struct frame *f[POOL_BLOCKS];
	int n;
	size_t bytes;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct frame *frame_block(size_t need)
{
	struct frame *f = NULL;
	int i, k = -1;

	pthread_mutex_lock(&pool.lock);
	for (i = 0; i < pool.n; i++) {
		size_t c = pool.f[i]->cap;

		if (k < 0 || (c >= need ? c < pool.f[k]->cap ||
			      pool.f[k]->cap < need : c > pool.f[k]->cap))
			k = i;
	}
	if (k >= 0) {
		f = pool.f[k];
		pool.f[k] = pool.f[--pool.n];
		pool.bytes -= f->cap;
	}
	pthread_mutex_unlock(&pool.lock);
	return f;
}

static void pool_give(struct frame *f)
{
	pthread_mutex_lock(&pool.lock);
	if (pool.n < POOL_BLOCKS && f->cap <= POOL_BYTES - pool.bytes) {
		pool.f[pool.n++] = f;
		pool.bytes += f->cap;
		f = NULL;
	}
	pthread_mutex_unlock(&pool.lock);
	free(f);
}

/* Frames made and not yet let go, all rungs: what frames pin. */
static long alive;

long frames_alive(void)
{
	return __atomic_load_n(&alive, __ATOMIC_RELAXED);
}

void frame_unref(struct frame *f)
{
	if (f && __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		__atomic_sub_fetch(&alive, 1, __ATOMIC_RELAXED);
		pool_give(f);
	}
}

int frame_com(char *buf, size_t sz, int q, int w, int h, uint64_t seq,
	      int64_t ts)
{
	int n = snprintf(buf, sz, "ts=%lld seq=%llu q=%d w=%d h=%d",
			 (long long)ts, (unsigned long long)seq, q, w, h);

	return n < 0 || (size_t)n >= sz ? -1 : n;
}

void frame_init(struct frame *f, int rung, int q, int w, int h, uint64_t seq,
		int64_t ts, size_t len)
{
	f->refs = 1;
	__atomic_add_fetch(&alive, 1, __ATOMIC_RELAXED);
	f->rung = rung;
	f->q = q;
	f->w = w;
	f->h = h;
	f->seq = seq;
	f->ts_us = ts;
	f->len = len;
}

struct frame *frame_wrap(const unsigned char *jpg, size_t len, int rung,
			 int q, int w, int h, uint64_t seq, int64_t ts)
{
	char com[96];
	int n = frame_com(com, sizeof(com), q, w, h, seq, ts);
	struct frame *f;
	size_t need;

	if (n < 0 || len < 4 || jpg[0] != 0xFF || jpg[1] != 0xD8)
		return NULL;
	need = sizeof(*f) + len + JPEG_COM_LEN(n);
	f = frame_block(need);
	if (!f || f->cap < need) {
		free(f);
		f = malloc(need);
		if (!f)
			return NULL;
		f->cap = need;
	}
	frame_init(f, rung, q, w, h, seq, ts,
		   jpeg_put_com(f->data, jpg, len, com, (size_t)n));
	return f;
}

/* What the pool does not keep (more frames in flight than it holds) goes
 * back to malloc: glibc's defaults would give such a block back to the
 * system (heap top trimmed past 128 KB, or a block of its own mapped and
 * unmapped). Keep them in its heap instead. */
void frames_start(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
}

void frames_stop(void)
{
	struct frame *f;

	while ((f = frame_block(0)))
		free(f);
}
