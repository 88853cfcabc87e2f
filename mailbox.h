/* mailbox.c: requests the poll thread leaves for another thread to answer
 * (a password check, a camera control) and the answers it comes back
 * for, and a board on which that thread posts what it last knew (the
 * camera's controls). One of the three places threads meet (frames meet
 * in hub.c, kept frame blocks in frame.c). Bounded: a fixed number of
 * slots of a fixed size, made at the start; one wake descriptor,
 * readable when answers are in. */
#ifndef MAILBOX_H
#define MAILBOX_H
#include <stddef.h>
#include <stdint.h>

struct mailbox;

/* slots requests of size bytes each, a board of board bytes (0: none).
 * NULL when out of memory or descriptors. */
struct mailbox *mailbox_new(int slots, size_t size, size_t board);
/* Once no thread takes from it any more (mailbox_stop, then joined).
 * NULL is fine. */
void mailbox_free(struct mailbox *mb);

/* Poll thread. The wake descriptor is readable when answers are in;
 * mailbox_woken() empties it (then look for them). */
int mailbox_wake_fd(const struct mailbox *mb);
void mailbox_woken(struct mailbox *mb);
/* Leaves a copy of req (size bytes) tagged tag, which names the
 * requester (one request in hand per tag), at time now (any clock the
 * caller keeps). 0, or -1 when every slot is in use (waiting, being
 * answered, or answered and not collected). */
int mailbox_post(struct mailbox *mb, uint64_t tag, const void *req,
		 int64_t now);
/* The answer to tag's request: 1 copied into out (size bytes) and the
 * slot free again; 0 not answered yet; -1 no such request. */
int mailbox_collect(struct mailbox *mb, uint64_t tag, void *out);
/* Any answer: 1 with *tag and out filled (the slot free again), 0 none. */
int mailbox_next(struct mailbox *mb, uint64_t *tag, void *out);
/* The requester is gone: its request goes, its answer is not kept.
 * mailbox_expire(): so do all those posted before `before` (requesters
 * that went without saying). */
void mailbox_drop(struct mailbox *mb, uint64_t tag);
void mailbox_expire(struct mailbox *mb, int64_t before);
/* Copies the board into out (board bytes). */
void mailbox_read(struct mailbox *mb, void *out);

/* The answering thread. mailbox_take(): the next request, in its slot,
 * the caller's to answer in place until mailbox_answer(); NULL when
 * there is none (wait 0) or the mailbox is stopping (wait 1 blocks until
 * one comes). mailbox_waiting(): is one waiting? (no lock: for a thread
 * that looks between frames). mailbox_publish(): a new board, copied. */
void *mailbox_take(struct mailbox *mb, int wait);
void mailbox_answer(struct mailbox *mb, void *slot);
int mailbox_waiting(const struct mailbox *mb);
void mailbox_publish(struct mailbox *mb, const void *board);

/* Ends mailbox_take(wait 1) in every thread, now and from now on. */
void mailbox_stop(struct mailbox *mb);

#endif
