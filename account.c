/* account.c: the accounts file and the share secret's file. A user's
 * line keeps the salt and the PBKDF2-HMAC-SHA-256 key of the password,
 * never the password; a file that others may read or write is refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "base64.h"
#include "camera.h"
#include "sha256.h"
#include "util.h"

int account_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > ACCOUNT_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		      s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr("._@-", s[i])))
			return 0;
	return 1;
}

/* `$pbkdf2-sha256$ITER$SALT$KEY` into u. */
static int parse_hash(const char *s, struct user *u)
{
	char salt[32], key[48];
	unsigned char buf[48];
	int n = 0;

	if (sscanf(s, "$pbkdf2-sha256$%lu$%31[^$]$%47[^$\n]%n", &u->iter,
		   salt, key, &n) != 3 || s[n] != 0 || u->iter < 1000 ||
	    u->iter > 100000000)
		return -1;
	if (base64_decode(salt, strlen(salt), buf) != ACCOUNT_SALT)
		return -1;
	memcpy(u->salt, buf, ACCOUNT_SALT);
	if (base64_decode(key, strlen(key), buf) != 32)
		return -1;
	memcpy(u->key, buf, 32);
	return 0;
}

int account_cameras(const char *s, struct cam_list *out, const char **why)
{
	const char *p = s;
	size_t n;
	int i;

	memset(out, 0, sizeof(*out));
	*why = "no camera named: leave the field out for every camera";
	if (*s == 0)
		return -1;
	for (;;) {
		n = strcspn(p, ",");
		*why = "a camera's name must be 1 to 32 of a-z 0-9 -, the "
		       "names separated by commas";
		if (!camera_valid_name(p, n))
			return -1;
		*why = "more than 8 cameras";
		if (out->n == CAMERA_MAX)
			return -1;
		*why = "a camera is named twice";
		for (i = 0; i < out->n; i++)
			if (strlen(out->name[i]) == n &&
			    memcmp(out->name[i], p, n) == 0)
				return -1;
		memcpy(out->name[out->n++], p, n);
		if (p[n] == 0)
			return 0;
		p += n + 1;
	}
}

/* What a line grants, for a session or a kept verdict to hold while it
 * stays the same: a hash of the password's hash, the role and the
 * cameras. */
static void line_tag(struct user *u, const char *hash)
{
	unsigned char role = (unsigned char)u->role;
	struct sha256 c;
	int i;

	sha256_init(&c);
	sha256_update(&c, &role, 1);
	sha256_update(&c, hash, strlen(hash) + 1);
	for (i = 0; i < u->cams.n; i++)
		sha256_update(&c, u->cams.name[i],
			      strlen(u->cams.name[i]) + 1);
	sha256_final(&c, u->tag);
}

/* One line: NAME:ROLE:HASH[:CAMERAS]. 0, 1 for nothing (blank,
 * comment), -1. */
static int parse_line(char *line, struct user *u, const char **why)
{
	char *role, *hash, *cams;

	line[strcspn(line, "\r\n")] = 0;
	if (line[strspn(line, " \t")] == 0 || line[strspn(line, " \t")] == '#')
		return 1;
	*why = "expected NAME:ROLE:HASH[:CAMERAS]";
	if (!(role = strchr(line, ':')) || !(hash = strchr(role + 1, ':')))
		return -1;
	*role++ = 0;
	*hash++ = 0;
	if ((cams = strchr(hash, ':')) != NULL)
		*cams++ = 0;
	*why = "the name must be 1 to 32 of A-Z a-z 0-9 . _ @ -";
	if (!account_valid_name(line, strlen(line)))
		return -1;
	memset(u, 0, sizeof(*u));
	memcpy(u->name, line, strlen(line));
	*why = "the role must be viewer or admin";
	if (strcmp(role, "viewer") == 0)
		u->role = ROLE_VIEWER;
	else if (strcmp(role, "admin") == 0)
		u->role = ROLE_ADMIN;
	else
		return -1;
	*why = "the hash must be $pbkdf2-sha256$ITERATIONS$SALT$KEY "
	       "(see rerocctv passwd)";
	if (parse_hash(hash, u) != 0)
		return -1;
	/* A list, or no field at all: an empty one would say nothing. */
	if (cams && account_cameras(cams, &u->cams, why) != 0)
		return -1;
	line_tag(u, hash);
	return 0;
}

/* Whose files we trust: ours, and root's. */
static int trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Could someone else replace or plant the file at real (a resolved path)?
 * Every directory above it must belong to us or root, and one that group
 * or others may write must have the sticky bit (like /tmp: others may
 * add names there but not rename or remove ours, and the file itself is
 * checked to be ours). 0, or -1 with err. */
static int dirs_private(const char *path, const char *real, char *err,
			size_t errsz)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", real);
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = 0;	/* "/a/b" -> "/a", "/a" -> "/" */
		if (stat(dir, &st) != 0) {
			snprintf(err, errsz, "%s: %s: %s", path, dir,
				 strerror(errno));
			return -1;
		}
		if (!trusted_owner(st.st_uid)) {
			snprintf(err, errsz, "%s: the directory %s belongs to "
				 "uid %u, not to this user or root: whoever "
				 "owns it can replace the file", path, dir,
				 (unsigned)st.st_uid);
			return -1;
		}
		if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)) {
			snprintf(err, errsz, "%s: others may write the "
				 "directory %s (mode %03o) and replace the "
				 "file: chmod go-w %s", path, dir,
				 (unsigned)st.st_mode & 0777, dir);
			return -1;
		}
		if (strcmp(dir, "/") == 0)
			break;
	}
	return 0;
}

/* Opens a file that holds secrets, the rules sshd's StrictModes uses: a
 * regular file of ours (or root's) that neither group nor others may
 * read or write, in directories nobody else can swap it in. */
static FILE *open_private(const char *path, char *err, size_t errsz)
{
	char real[PATH_MAX];
	struct stat st;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		goto refuse;
	}
	if (!trusted_owner(st.st_uid)) {
		snprintf(err, errsz, "%s: belongs to uid %u, not to this user "
			 "(uid %u) or root: refusing a file someone else "
			 "may have planted", path, (unsigned)st.st_uid,
			 (unsigned)geteuid());
		goto refuse;
	}
	if (st.st_mode & 077) {
		snprintf(err, errsz, "%s: others may read or write it (mode "
			 "%03o): chmod 600 %s", path,
			 (unsigned)st.st_mode & 0777, path);
		goto refuse;
	}
	if (!realpath(path, real)) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto refuse;
	}
	if (dirs_private(path, real, err, errsz) != 0)
		goto refuse;
	return f;
refuse:
	fclose(f);
	return NULL;
}

int account_load(const char *path, struct user **out, int *nout,
		 char *err, size_t errsz)
{
	struct user *users = calloc(ACCOUNT_MAX, sizeof(*users));
	char line[1024];
	const char *why = NULL;
	int n = 0, lineno = 0, i, r;
	FILE *f;

	if (!users) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (!(f = open_private(path, err, errsz))) {
		free(users);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (n == ACCOUNT_MAX) {
			why = "more than 256 users";
			goto bad;
		}
		if ((r = parse_line(line, &users[n], &why)) < 0)
			goto bad;
		for (i = 0; r == 0 && i < n; i++)
			if (strcmp(users[i].name, users[n].name) == 0) {
				why = "this user is already named above";
				goto bad;
			}
		n += r == 0;
	}
	fclose(f);
	*out = users;
	*nout = n;
	return 0;
bad:
	snprintf(err, errsz, "%s:%d: %s", path, lineno, why);
	fclose(f);
	free(users);
	return -1;
}

/* The line for user: role, the password's hash with a new salt, and
 * cams (a checked list, or "" for every camera). */
static int hash_line(const char *user, const char *role, const char *cams,
		     const char *pass, char *line, size_t sz)
{
	unsigned char salt[ACCOUNT_SALT], key[32];
	char s64[BASE64_LEN(ACCOUNT_SALT) + 1], k64[BASE64_LEN(32) + 1];

	if (random_bytes(salt, sizeof(salt)) != 0 ||
	    pbkdf2_sha256(pass, strlen(pass), salt, sizeof(salt),
			  AUTH_ITERATIONS, key, sizeof(key)) != 0)
		return -1;
	base64_encode(salt, sizeof(salt), s64);
	base64_encode(key, sizeof(key), k64);
	snprintf(line, sz, "%s:%s:$pbkdf2-sha256$%d$%s$%s%s%s\n", user, role,
		 AUTH_ITERATIONS, s64, k64, *cams ? ":" : "", cams);
	memset(key, 0, sizeof(key));
	return 0;
}

/* An old line's role and cameras, kept when passwd is not told new
 * ones. Returns whether it has a cameras field. */
static int old_fields(const char *line, char *role, size_t rsz,
		      char *cams, size_t csz)
{
	const char *r = strchr(line, ':'), *c;

	if (!r)
		return 0;
	r++;
	snprintf(role, rsz, "%.*s", (int)strcspn(r, ":\r\n"), r);
	if (!(c = strchr(r, ':')) || !(c = strchr(c + 1, ':')))
		return 0;
	snprintf(cams, csz, "%.*s", (int)strcspn(c + 1, "\r\n"), c + 1);
	return 1;
}

int account_set_password(const char *file, const char *user,
			 const char *role, const char *cameras,
			 const char *pass, char *err, size_t errsz)
{
	char tmp[600], line[1024], mine[1024], old_role[16] = "";
	char old_cams[512] = "";
	struct cam_list cl;
	const char *why;
	FILE *in = NULL, *out;
	int fd, found = 0, listed = 0;
	size_t ulen = strlen(user);

	if (!account_valid_name(user, ulen)) {
		snprintf(err, errsz, "%s: the name must be 1 to 32 of A-Z a-z "
			 "0-9 . _ @ -", user);
		return -1;
	}
	if (cameras && *cameras && account_cameras(cameras, &cl, &why) != 0) {
		snprintf(err, errsz, "%s: %s", cameras, why);
		return -1;
	}
	if (strlen(pass) >= ACCOUNT_PASS_MAX) {
		snprintf(err, errsz, "the password is longer than %d bytes",
			 ACCOUNT_PASS_MAX - 1);
		return -1;
	}
	if (access(file, F_OK) == 0 && !(in = open_private(file, err, errsz)))
		return -1;
	/* A new name beside the file, made here (O_EXCL, never through a
	 * link someone planted), then renamed over it. */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >= (int)sizeof(tmp)) {
		snprintf(err, errsz, "%s: the name is too long", file);
		if (in)
			fclose(in);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0600) != 0 || !(out = fdopen(fd, "w"))) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		if (in)
			fclose(in);
		return -1;
	}
	while (in && fgets(line, sizeof(line), in)) {
		if (strncmp(line, user, ulen) == 0 && line[ulen] == ':') {
			listed = old_fields(line, old_role, sizeof(old_role),
					    old_cams, sizeof(old_cams));
			found = 1;
			continue;	/* replaced below, in place of it */
		}
		fputs(line, out);
	}
	if (in)
		fclose(in);
	if (!role)
		role = found && old_role[0] ? old_role : "viewer";
	/* Kept as they were, unless they were not valid: never widened to
	 * every camera by dropping a list we cannot read. */
	if (!cameras && listed && account_cameras(old_cams, &cl, &why) != 0) {
		snprintf(err, errsz, "%s: %s's cameras \"%s\": %s (give "
			 "--cameras)", file, user, old_cams, why);
		goto fail;
	}
	if (!cameras)
		cameras = old_cams;
	if (hash_line(user, role, cameras, pass, mine, sizeof(mine)) != 0) {
		snprintf(err, errsz, "cannot hash: %s", strerror(errno));
		goto fail;
	}
	fputs(mine, out);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0 ||
	    rename(tmp, file) != 0) {
		snprintf(err, errsz, "%s: %s", file, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
fail:
	fclose(out);
	unlink(tmp);
	return -1;
}


/* Makes a new secret file, mode 0600, that did not exist. */
static int create_secret(const char *path, unsigned char secret[32],
			 char *err, size_t errsz)
{
	char line[66];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (random_bytes(secret, 32) != 0) {
		snprintf(err, errsz, "no random bytes: %s", strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	hex_encode(secret, 32, line);
	line[64] = '\n';
	if (write(fd, line, 65) != 65 || fsync(fd) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 1;
}


int account_secret(const char *path, unsigned char secret[32], int create,
		   char *err, size_t errsz)
{
	char line[80];
	FILE *f;

	if (access(path, F_OK) != 0)
		return create ? create_secret(path, secret, err, errsz) : 0;
	if (!(f = open_private(path, err, errsz)))
		return -1;
	if (!fgets(line, sizeof(line), f) || strcspn(line, "\r\n") != 64 ||
	    hex_decode(line, 32, secret) != 0) {
		snprintf(err, errsz, "%s: expected 64 hex digits", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 1;
}
