/* page.c: the page and its files: the built-in client (web.c), or the
 * files of a --web directory, with their content types and the headers
 * that tell a browser what the page may do. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "page.h"
#include "route.h"
#include "util.h"
#include "web.h"

enum { MAX_FILE = 16 << 20 };		/* --web file size bound */

static const char *content_type(const char *name)
{
	static const char *types[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".json", "application/json"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < LEN(types); i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* What the built-in page may do, for a browser: load its own script,
 * style and connections only (frames come over its own WebSocket; the
 * icon is a data: URL), never be framed by another site (the admin's
 * controls and share links under cached credentials), and never tell
 * another site where it was (a share link carries its token in the URL).
 * A --web directory is the owner's own page, whose scripts and
 * connections the server cannot know (an inline script, a backend on
 * another origin): it keeps the framing and referrer rules only. */
static const char page_policy[] =
	"Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
	"object-src 'none'; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'\r\n";
static const char web_policy[] =
	"Content-Security-Policy: frame-ancestors 'none'\r\n";
static const char any_policy[] =
	"X-Frame-Options: DENY\r\n"
	"Referrer-Policy: no-referrer\r\n"
	"X-Content-Type-Options: nosniff\r\n";

static void respond_body(struct conn *c, const char *name, int builtin,
			 const unsigned char *data, size_t len, void *owned)
{
	route_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: %s\r\nCache-Control: no-cache\r\n"
		    "%s%s", content_type(name),
		    builtin ? page_policy : web_policy, any_policy);
	route_body(c, data, len, owned ? free : NULL, owned);
}

/* Reads DIR/name for --web. name has been checked to hold no "..", and
 * the file must resolve inside the directory (no symlink escapes). */
static int serve_file(struct conn *c, const char *name)
{
	char path[PATH_MAX], real[PATH_MAX], root[PATH_MAX];
	const char *dir = c->env->cfg->web_dir;
	struct stat st;
	unsigned char *data;
	size_t rootlen, got = 0;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path) || !realpath(path, real) ||
	    !realpath(dir, root))
		return -1;
	rootlen = strlen(root);
	if (strncmp(real, root, rootlen) != 0 || real[rootlen] != '/')
		return -1;
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_FILE || !(data = malloc(st.st_size + 1))) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	respond_body(c, name, 0, data, got, data);
	return 0;
}

/* An asset name is one or more plain path segments: no "..", no empty
 * segment, nothing outside [A-Za-z0-9._-/]. */
static int safe_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] == '/' || p[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		      ch == '_' || ch == '/'))
			return 0;
		if (ch == '/' && (p[i + 1] == '/' || p[i + 1] == '.'))
			return 0;
	}
	return 1;
}

void page_serve(struct conn *c, const struct route_req *q)
{
	const char *path = q->path;
	size_t len = q->path_len, i;
	char name[256];

	if (len == 1)
		path = "/index.html", len = 11;
	if (len >= sizeof(name) || !safe_name(path + 1, len - 1))
		goto missing;
	memcpy(name, path + 1, len - 1);
	name[len - 1] = 0;
	if (c->env->cfg->web_dir) {
		if (serve_file(c, name) == 0)
			return;
		goto missing;
	}
	for (i = 0; i < web_nassets; i++)
		if (strcmp(web_assets[i].name, name) == 0) {
			respond_body(c, name, 1, web_assets[i].data,
				     web_assets[i].len, NULL);
			return;
		}
missing:
	route_error(c, 404, NULL, NULL);
}
