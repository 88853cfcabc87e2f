/* unit-mailbox.c: mailbox.c between this thread and another: requests
 * are taken oldest first, answered in place and collected by their tag
 * (or any, in turn); a full mailbox refuses; a requester gone drops its
 * request, even one being answered; old ones expire; the board carries
 * the answering thread's word; the wake descriptor says answers are in;
 * stopping ends a blocked take. */
#include <poll.h>
#include <pthread.h>
#include <string.h>

#include "mailbox.h"
#include "unit.h"

struct req {
	int x;
	int answer;
};

static int readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1;
}

static void *blocked_take(void *arg)
{
	return mailbox_take(arg, 1);
}

int main(void)
{
	struct mailbox *mb = mailbox_new(3, sizeof(struct req), sizeof(int));
	struct req r, *t, out;
	uint64_t tag;
	pthread_t th;
	void *res;
	int board = 42, got = 0, i;

	CHECK(mb != NULL, "made");
	CHECK(!mailbox_waiting(mb), "nothing waiting");
	for (i = 1; i <= 3; i++) {
		r.x = i * 10;
		r.answer = 0;
		CHECK_INT(mailbox_post(mb, (uint64_t)i, &r, i), 0, "posted");
	}
	r.x = 40;
	CHECK_INT(mailbox_post(mb, 4, &r, 4), -1, "full: refused");
	CHECK(mailbox_waiting(mb), "waiting");
	t = mailbox_take(mb, 0);
	CHECK(t && t->x == 10, "the oldest first");
	CHECK_INT(mailbox_collect(mb, 1, &out), 0, "being answered: not yet");
	t->answer = t->x + 1;
	CHECK(!readable(mailbox_wake_fd(mb)), "no wake before an answer");
	mailbox_answer(mb, t);
	CHECK(readable(mailbox_wake_fd(mb)), "an answer wakes");
	mailbox_woken(mb);
	CHECK(!readable(mailbox_wake_fd(mb)), "woken: emptied");
	CHECK_INT(mailbox_collect(mb, 1, &out), 1, "collected by its tag");
	CHECK_INT(out.answer, 11, "in place");
	CHECK_INT(mailbox_collect(mb, 1, &out), -1, "once");

	t = mailbox_take(mb, 0);
	CHECK(t && t->x == 20, "the next oldest");
	mailbox_drop(mb, 2);
	t->answer = 1;
	mailbox_answer(mb, t);
	CHECK_INT(mailbox_collect(mb, 2, &out), -1, "dropped while answered: "
		  "gone");
	r.x = 50;
	CHECK_INT(mailbox_post(mb, 5, &r, 5), 0, "its slot free again");
	mailbox_expire(mb, 4);
	CHECK_INT(mailbox_collect(mb, 3, &out), -1, "an old one expires");
	CHECK_INT(mailbox_collect(mb, 5, &out), 0, "a newer one stays");
	t = mailbox_take(mb, 0);
	CHECK(t && t->x == 50, "taken");
	mailbox_answer(mb, t);
	CHECK_INT(mailbox_next(mb, &tag, &out), 1, "any answer");
	CHECK(tag == 5 && out.x == 50, "with its tag");
	CHECK_INT(mailbox_next(mb, &tag, &out), 0, "no more");
	CHECK(mailbox_take(mb, 0) == NULL, "none waiting");

	mailbox_publish(mb, &board);
	mailbox_read(mb, &got);
	CHECK_INT(got, 42, "the board");

	pthread_create(&th, NULL, blocked_take, mb);
	mailbox_stop(mb);
	pthread_join(th, &res);
	CHECK(res == NULL, "stopping ends a blocked take");
	mailbox_free(mb);
	return unit_done();
}
