/* mailbox.c: requests for another thread, their answers, and its board.
 *
 * Locks: one mutex per mailbox guards its slots and its board, and is
 * never held while anything else is locked or anything blocks but the
 * condition wait. A slot goes FREE -> QUEUED (posted) -> BUSY (taken)
 * -> DONE (answered) -> FREE (collected); a requester that goes away
 * makes a queued slot FREE and a busy one DROPPED, freed when answered.
 * While BUSY the slot's bytes are the answering thread's alone. */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailbox.h"
#include "util.h"

enum slot_state { FREE, QUEUED, BUSY, DONE, DROPPED };

struct slot {
	enum slot_state state;
	uint64_t tag;
	uint64_t order;			/* posted: the oldest goes first */
	int64_t at;			/* posted then (the caller's clock) */
	unsigned char *p;		/* size bytes */
};

struct mailbox {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	struct slot *slots;
	int n;
	size_t size, board_size;
	unsigned char *board;
	uint64_t posted;
	int waiting;			/* QUEUED slots; read without the lock
					   by mailbox_waiting() */
	int stop;
	int wake[2];			/* a byte: answers are in */
};

struct mailbox *mailbox_new(int slots, size_t size, size_t board)
{
	struct mailbox *mb = calloc(1, sizeof(*mb));
	int i;

	if (!mb)
		return NULL;
	pthread_mutex_init(&mb->lock, NULL);
	pthread_cond_init(&mb->cv, NULL);
	mb->wake[0] = mb->wake[1] = -1;
	mb->n = slots;
	mb->size = size;
	mb->board_size = board;
	mb->slots = calloc((size_t)slots, sizeof(*mb->slots));
	mb->board = board ? calloc(1, board) : NULL;
	if (!mb->slots || (board && !mb->board) || pipe(mb->wake) != 0)
		goto fail;
	for (i = 0; i < slots; i++)
		if (!(mb->slots[i].p = calloc(1, size)))
			goto fail;
	for (i = 0; i < 2; i++) {
		fcntl(mb->wake[i], F_SETFL, O_NONBLOCK);
		fcntl(mb->wake[i], F_SETFD, FD_CLOEXEC);
	}
	return mb;
fail:
	mailbox_free(mb);
	return NULL;
}

void mailbox_free(struct mailbox *mb)
{
	int i;

	if (!mb)
		return;
	pthread_cond_destroy(&mb->cv);
	pthread_mutex_destroy(&mb->lock);
	for (i = 0; mb->slots && i < mb->n; i++) {
		/* Requests may hold secrets (a password being checked). */
		if (mb->slots[i].p)
			memset(mb->slots[i].p, 0, mb->size);
		free(mb->slots[i].p);
	}
	free(mb->slots);
	free(mb->board);
	for (i = 0; i < 2; i++)
		if (mb->wake[i] >= 0)
			close(mb->wake[i]);
	free(mb);
}

/* Poll thread */

int mailbox_wake_fd(const struct mailbox *mb)
{
	return mb ? mb->wake[0] : -1;
}

void mailbox_woken(struct mailbox *mb)
{
	char b[64];

	while (read(mb->wake[0], b, sizeof(b)) > 0)
		;
}

int mailbox_post(struct mailbox *mb, uint64_t tag, const void *req,
		 int64_t now)
{
	struct slot *s = NULL;
	int i;

	pthread_mutex_lock(&mb->lock);
	for (i = 0; i < mb->n && !s; i++)
		if (mb->slots[i].state == FREE)
			s = &mb->slots[i];
	if (s) {
		memcpy(s->p, req, mb->size);
		s->tag = tag;
		s->at = now;
		s->order = ++mb->posted;
		s->state = QUEUED;
		__atomic_add_fetch(&mb->waiting, 1, __ATOMIC_RELEASE);
		pthread_cond_signal(&mb->cv);
	}
	pthread_mutex_unlock(&mb->lock);
	return s ? 0 : -1;
}

/* Takes the answer out of a DONE slot, the lock held. */
static void take_answer(struct mailbox *mb, struct slot *s, void *out)
{
	memcpy(out, s->p, mb->size);
	memset(s->p, 0, mb->size);
	s->state = FREE;
}

int mailbox_collect(struct mailbox *mb, uint64_t tag, void *out)
{
	int i, r = -1;

	pthread_mutex_lock(&mb->lock);
	for (i = 0; i < mb->n && r < 0; i++) {
		struct slot *s = &mb->slots[i];

		if (s->tag != tag || s->state == FREE || s->state == DROPPED)
			continue;
		r = s->state == DONE;
		if (r)
			take_answer(mb, s, out);
	}
	pthread_mutex_unlock(&mb->lock);
	return r;
}

int mailbox_next(struct mailbox *mb, uint64_t *tag, void *out)
{
	int i, r = 0;

	pthread_mutex_lock(&mb->lock);
	for (i = 0; i < mb->n && !r; i++)
		if (mb->slots[i].state == DONE) {
			*tag = mb->slots[i].tag;
			take_answer(mb, &mb->slots[i], out);
			r = 1;
		}
	pthread_mutex_unlock(&mb->lock);
	return r;
}

/* Lets go of a slot whose requester is gone, the lock held. */
static void let_go(struct mailbox *mb, struct slot *s)
{
	if (s->state == QUEUED)
		__atomic_sub_fetch(&mb->waiting, 1, __ATOMIC_RELEASE);
	if (s->state == BUSY) {
		s->state = DROPPED;
	} else {
		memset(s->p, 0, mb->size);
		s->state = FREE;
	}
}

void mailbox_drop(struct mailbox *mb, uint64_t tag)
{
	int i;

	pthread_mutex_lock(&mb->lock);
	for (i = 0; i < mb->n; i++)
		if (mb->slots[i].tag == tag && mb->slots[i].state != FREE &&
		    mb->slots[i].state != DROPPED)
			let_go(mb, &mb->slots[i]);
	pthread_mutex_unlock(&mb->lock);
}

void mailbox_expire(struct mailbox *mb, int64_t before)
{
	int i;

	pthread_mutex_lock(&mb->lock);
	for (i = 0; i < mb->n; i++)
		if (mb->slots[i].at < before && mb->slots[i].state != FREE &&
		    mb->slots[i].state != DROPPED)
			let_go(mb, &mb->slots[i]);
	pthread_mutex_unlock(&mb->lock);
}

void mailbox_read(struct mailbox *mb, void *out)
{
	pthread_mutex_lock(&mb->lock);
	memcpy(out, mb->board, mb->board_size);
	pthread_mutex_unlock(&mb->lock);
}

/* The answering thread */

void *mailbox_take(struct mailbox *mb, int wait)
{
	struct slot *s;
	int i;

	pthread_mutex_lock(&mb->lock);
	for (;;) {
		for (i = 0, s = NULL; i < mb->n; i++)
			if (mb->slots[i].state == QUEUED &&
			    (!s || mb->slots[i].order < s->order))
				s = &mb->slots[i];
		if (s || !wait || mb->stop)
			break;
		pthread_cond_wait(&mb->cv, &mb->lock);
	}
	if (s && mb->stop && wait)
		s = NULL;
	if (s) {
		s->state = BUSY;
		__atomic_sub_fetch(&mb->waiting, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&mb->lock);
	return s ? s->p : NULL;
}

void mailbox_answer(struct mailbox *mb, void *slot)
{
	int i;

	pthread_mutex_lock(&mb->lock);
	for (i = 0; i < mb->n; i++) {
		struct slot *s = &mb->slots[i];

		if (s->p != slot)
			continue;
		if (s->state == DROPPED) {
			memset(s->p, 0, mb->size);
			s->state = FREE;
		} else {
			s->state = DONE;
		}
	}
	pthread_mutex_unlock(&mb->lock);
	if (write(mb->wake[1], "", 1) < 0) {
		/* EAGAIN: a byte is waiting already */
	}
}

int mailbox_waiting(const struct mailbox *mb)
{
	return mb && __atomic_load_n(&mb->waiting, __ATOMIC_ACQUIRE) > 0;
}

void mailbox_publish(struct mailbox *mb, const void *board)
{
	pthread_mutex_lock(&mb->lock);
	memcpy(mb->board, board, mb->board_size);
	pthread_mutex_unlock(&mb->lock);
}

void mailbox_stop(struct mailbox *mb)
{
	pthread_mutex_lock(&mb->lock);
	mb->stop = 1;
	pthread_cond_broadcast(&mb->cv);
	pthread_mutex_unlock(&mb->lock);
}
