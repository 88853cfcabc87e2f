/* rerocctv.c: main(): the options (options.c), then the wiring: the hub
 * pool, each camera's hub, source, controls and thread, the poll loop;
 * torn down in reverse order. And the passwd and share commands. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "auth.h"
#include "camera.h"
#include "capture.h"
#include "capture_fmt.h"
#include "ctrl_state.h"
#include "hub.h"
#include "options.h"
#include "pattern.h"
#include "server.h"
#include "source.h"
#include "util.h"

/* The subcommands */

/* A password from the terminal (asked twice, not echoed) or one line of
 * stdin, into pw (sz bytes, more than ACCOUNT_PASS_MAX: a longer one is
 * refused whole, never cut). 0 or -1 with a message printed. */
static int read_password(const char *user, char *pw, size_t sz)
{
	struct termios t, quiet;
	char again[1024];
	int tty = isatty(0), ok = 1;

	if (tty) {
		fprintf(stderr, "password for %s: ", user);
		tcgetattr(0, &t);
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(pw, (int)sz, stdin) != NULL;
	if (ok && tty) {
		fprintf(stderr, "\nagain: ");
		ok = fgets(again, sizeof(again), stdin) != NULL;
	}
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &t);
		fputc('\n', stderr);
	}
	if (!ok) {
		fprintf(stderr, "rerocctv: no password given\n");
		return -1;
	}
	if (strcspn(pw, "\r\n") >= ACCOUNT_PASS_MAX ||
	    (!strchr(pw, '\n') && !feof(stdin))) {
		fprintf(stderr, "rerocctv: the password is longer than %d "
			"bytes\n", ACCOUNT_PASS_MAX - 1);
		memset(pw, 0, sz);
		memset(again, 0, sizeof(again));
		return -1;
	}
	pw[strcspn(pw, "\r\n")] = 0;
	if (tty) {
		again[strcspn(again, "\r\n")] = 0;
		ok = strcmp(pw, again) == 0;
		memset(again, 0, sizeof(again));
		if (!ok) {
			fprintf(stderr, "rerocctv: the passwords differ\n");
			return -1;
		}
	}
	if (strlen(pw) < 8) {
		fprintf(stderr, "rerocctv: a password needs 8 characters or "
			"more\n");
		return -1;
	}
	return 0;
}

/* rerocctv passwd FILE USER [--role viewer|admin] [--cameras A,B|all] */
static int cmd_passwd(int argc, char **argv)
{
	static const char use[] = "usage: rerocctv passwd FILE USER "
				  "[--role viewer|admin] [--cameras A,B|all]";
	const char *role = NULL, *cams = NULL, *why;
	struct cam_list cl;
	char pw[1024], err[512];
	int i, r;

	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-')
		die("%s", use);
	for (i = 3; i < argc; i++) {
		if (opt_is(argv[i], "--role"))
			role = opt_value(argc, argv, &i, "--role");
		else if (opt_is(argv[i], "--cameras"))
			cams = opt_value(argc, argv, &i, "--cameras");
		else
			die("%s", use);
	}
	if (role && strcmp(role, "viewer") && strcmp(role, "admin"))
		die("--role %s: expected viewer or admin", role);
	/* Checked before the password is asked for; "" clears the list. */
	if (cams && strcmp(cams, "all") == 0)
		cams = "";
	else if (cams && account_cameras(cams, &cl, &why) != 0)
		die("--cameras %s: %s", cams, why);
	if (read_password(argv[2], pw, sizeof(pw)) != 0)
		return 1;
	r = account_set_password(argv[1], argv[2], role, cams, pw, err,
				 sizeof(err));
	memset(pw, 0, sizeof(pw));
	if (r != 0)
		die("%s", err);
	fprintf(stderr, "rerocctv: %s: %s set (send SIGHUP to a running "
		"server)\n", argv[1], argv[2]);
	return 0;
}

/* rerocctv share --auth-file FILE [--secret-file F] [--expires T]
 *                [--max-quality N] [--camera NAME] [--url URL] */
static int cmd_share(int argc, char **argv)
{
	const char *file = NULL, *secret = NULL, *url = NULL, *camera = NULL;
	char token[AUTH_TOKEN_HEX + 1], err[512], host[256], base[300];
	struct user *users;
	int64_t secs = 24 * 3600;
	int i, n, max_q = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opt_is(a, "--auth-file"))
			file = opt_value(argc, argv, &i, "--auth-file");
		else if (opt_is(a, "--secret-file"))
			secret = opt_value(argc, argv, &i, "--secret-file");
		else if (opt_is(a, "--url"))
			url = opt_value(argc, argv, &i, "--url");
		else if (opt_is(a, "--camera")) {
			camera = opt_value(argc, argv, &i, "--camera");
			if (!camera_valid_name(camera, strlen(camera)))
				die("--camera %s: a camera's name is 1 to 32 "
				    "of a-z 0-9 -", camera);
		} else if (opt_is(a, "--max-quality"))
			max_q = opt_int("--max-quality", opt_value(argc, argv, &i,
				       "--max-quality"), RUNG_QMIN, RUNG_QMAX);
		else if (opt_is(a, "--expires")) {
			const char *v = opt_value(argc, argv, &i, "--expires");

			if (parse_duration(v, &secs) != 0 || secs < 60 ||
			    secs > 366 * 24 * 3600)
				die("--expires %s: expected 30m, 24h, 7d... "
				    "(1 minute to a year)", v);
		} else
			die("unknown option %s (see --help)", a);
	}
	if (!file)
		die("share: --auth-file FILE is needed: the links are signed "
		    "with the secret kept beside it");
	if (account_load(file, &users, &n, err, sizeof(err)) != 0)
		die("%s", err);
	free(users);
	if (auth_token_offline(file, secret, secs, max_q, camera, token, err,
			       sizeof(err)) != 0)
		die("%s", err);
	if (!url) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = 0;
		snprintf(base, sizeof(base), "http://%s:6732", host);
		url = base;
	}
	n = (int)strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	/* A camera's link opens that camera's page; its paths, such as
	 * /s/TOKEN/c/NAME/stream, go under the same /s/TOKEN/. */
	if (camera)
		printf("%.*s/s/%s/#/c/%s\n", n, url, token, camera);
	else
		printf("%.*s/s/%s/\n", n, url, token);
	return 0;
}

/* Starts a camera: its hub in the pool, its source and controls, the
 * thread that runs them. */
static void camera_start(struct camera *c, struct hub_pool *pool, int ncams)
{
	char err[512];
	int i;

	if (!(c->hub = hub_new(pool, c->name)))
		die("cannot start the encoders");
	hub_set_subsamp(c->hub, c->opts.subsamp);
	c->src = strcmp(c->source, "test") == 0 ? pattern_new(&c->opts)
		 : capture_new(&c->opts);
	if (!c->src || !(c->controls = controls_new()))
		die("out of memory");
	for (i = 0; i < c->nctrls; i++)
		if (controls_want(c->controls, c->ctrls[i], err,
				  sizeof(err)) != 0)
			die("camera %s: %s", c->name, err);
	if (!(c->thread = source_start(c->src, c->hub, c->controls,
				       ncams > 1 ? c->name : NULL)))
		die("cannot start the source thread");
}

static void camera_stop(struct camera *c)
{
	source_stop(c->thread);
	controls_free(c->controls);
	c->src->destroy(c->src);
	hub_free(c->hub);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct hub_pool *pool;
	struct server srv;
	struct auth *auth = NULL;
	char err[512];
	int i;

	if (argc > 1 && strcmp(argv[1], "passwd") == 0)
		return cmd_passwd(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "share") == 0)
		return cmd_share(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	options_parse(&o, argc, argv);
	if (o.list_formats) {
		for (i = 0; i < o.ncams; i++) {
			if (!strcmp(o.cams[i].source, "test"))
				continue;
			if (o.ncams > 1)
				printf("%s:\n", o.cams[i].name);
			if (capture_list_formats(o.cams[i].source, err,
						 sizeof(err)) != 0)
				die("%s", err);
		}
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (gethostname(o.srv.hostname, sizeof(o.srv.hostname)) != 0)
		o.srv.hostname[0] = 0;
	o.srv.hostname[sizeof(o.srv.hostname) - 1] = 0;
	if (o.srv.auth_file && !(auth = auth_open(o.srv.auth_file,
						  o.srv.secret_file, err,
						  sizeof(err))))
		die("%s", err);

	if (auth_cameras_check(o.cams, o.ncams, err, sizeof(err)) != 0)
		die("%s", err);
	if (!(pool = hub_pool_new(o.workers, o.max_rungs)))
		die("cannot start the encoders");
	for (i = 0; i < o.ncams; i++)
		camera_start(&o.cams[i], pool, o.ncams);
	server_init(&srv, &o.srv, o.cams, o.ncams, auth);
	server_listen(&srv);

	server_run(&srv);

	server_close(&srv);
	for (i = 0; i < o.ncams; i++)
		camera_stop(&o.cams[i]);
	hub_pool_free(pool);
	auth_close(auth);
	logmsg("stopped");
	return 0;
}
