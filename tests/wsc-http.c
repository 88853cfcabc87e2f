/* wsc-http.c: `wsclient http`: a raw HTTP pipe: stdin to the server as it
 * is (or a byte at a time), the answer to stdout. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wsclient.h"

int cmd_http(int argc, char **argv)
{
	struct addrinfo *ai;
	struct buf in = { 0 };
	struct pollfd pf;
	char host[256], *colon = NULL;
	const char *hp = NULL;
	long slow = 0;
	int64_t now, deadline, next_byte = 0;
	int i, fd, sending = 1;
	ssize_t r;

	o.T = 5;
	for (i = 1; i < argc; i++) {
		if (common_opt(argc, argv, &i)) {
			if (!strcmp(argv[i], "--slow"))
				slow = arg_long(argv[i + 1], 0);
			else if (!strcmp(argv[i], "-T"))
				o.T = arg_double(argv[i + 1]);
			else
				bad_usage();
			i++;
		} else if (argv[i][0] == '-' || hp) {
			bad_usage();
		} else {
			hp = argv[i];
		}
	}
	if (!hp || !(colon = strrchr(hp, ':')) ||
	    (size_t)(colon - hp) >= sizeof(host))
		bad_usage();
	memcpy(host, hp, (size_t)(colon - hp));
	host[colon - hp] = '\0';
	for (;;) {
		r = read(0, buf_room(&in, 65536), 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read stdin:");
		if (r == 0)
			break;
		in.len += (size_t)r;
	}
	ai = resolve(host, colon + 1);
	fd = tcp_connect(ai);
	if (fd < 0)
		die("connect %s:", hp);
	freeaddrinfo(ai);
	/* Wait for the connect so the first --slow byte is not early. */
	pf.fd = fd;
	pf.events = POLLOUT;
	if (poll(&pf, 1, (int)(o.T * 1000)) <= 0)
		die("connect %s: timeout", hp);
	deadline = now_us(CLOCK_MONOTONIC) + (int64_t)(o.T * 1e6);
	for (;;) {
		int timeout;

		now = now_us(CLOCK_MONOTONIC);
		if (now >= deadline) {
			fprintf(stderr, "wsclient: timeout\n");
			break;
		}
		timeout = (int)((deadline - now + 999) / 1000);
		pf.fd = fd;
		pf.events = POLLIN;
		if (sending && in.off < in.len) {
			if (now >= next_byte)
				pf.events |= POLLOUT;
			else
				timeout = MIN(timeout, (int)((next_byte - now +
							      999) / 1000));
		}
		if (poll(&pf, 1, timeout) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		if (pf.revents & POLLOUT) {
			size_t n = slow ? 1 : in.len - in.off;

			r = send(fd, in.p + in.off, n, MSG_NOSIGNAL);
			if (r > 0) {
				in.off += (size_t)r;
				next_byte = now_us(CLOCK_MONOTONIC) +
					    slow * 1000;
			} else if (r < 0 && errno != EAGAIN &&
				   errno != EINTR) {
				sending = 0;	/* peer gone: keep reading */
			}
		}
		if (pf.revents & (POLLIN | POLLERR | POLLHUP)) {
			r = recv(fd, scratch, sizeof(scratch), 0);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0)
				break;
			if (fwrite(scratch, 1, (size_t)r, stdout) !=
			    (size_t)r || fflush(stdout) != 0)
				break;	/* e.g. `| head -1` went away */
		}
	}
	close(fd);
	free(in.p);
	return 0;
}
