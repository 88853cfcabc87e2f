/* unit-auth.c: auth.c, with session.c and guess.c, on a clock of its own
 * (now_us and mono_us are wrapped): a session lasts its week and no
 * longer, a user's sessions are capped by ending that user's oldest, a
 * full table refuses rather than end anyone else's, a reload keeps only
 * sessions whose line is unchanged, and the guessing table keeps its
 * worst offenders when others crowd it.
 * Accounts are written here with 1000 PBKDF2 rounds (the line says how
 * many), so checks are quick. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "auth.h"
#include "base64.h"
#include "camera.h"
#include "sha256.h"
#include "util.h"
#include "unit.h"

static int64_t t_real = 1800000000LL * 1000000, t_mono = 1000000000;

int64_t __wrap_now_us(void);
int64_t __wrap_mono_us(void);

int64_t __wrap_now_us(void)
{
	return t_real;
}

int64_t __wrap_mono_us(void)
{
	return t_mono;
}

static char dir[] = "unit-auth.XXXXXX";
static char file[64];

/* One accounts line for name with password pass, 1000 rounds, limited
 * to cams (NULL: no fourth field). */
static void line_cams(FILE *f, const char *name, const char *role,
		      const char *pass, const char *cams)
{
	unsigned char salt[ACCOUNT_SALT] = "0123456789abcde", key[32];
	char s64[BASE64_LEN(ACCOUNT_SALT) + 1], k64[BASE64_LEN(32) + 1];

	pbkdf2_sha256(pass, strlen(pass), salt, sizeof(salt), 1000, key, 32);
	base64_encode(salt, sizeof(salt), s64);
	base64_encode(key, 32, k64);
	fprintf(f, "%s:%s:$pbkdf2-sha256$1000$%s$%s%s%s\n", name, role, s64,
		k64, cams ? ":" : "", cams ? cams : "");
}

static void line(FILE *f, const char *name, const char *role,
		 const char *pass)
{
	line_cams(f, name, role, pass, NULL);
}

/* The accounts: alice (admin), bob, and user0..user63 unless few. */
static void write_users(int with_bob, const char *alice_pass, int few)
{
	FILE *f = fopen(file, "w");
	char name[16];
	int i;

	if (!f) {
		perror(file);
		exit(1);
	}
	line(f, "alice", "admin", alice_pass);
	if (with_bob)
		line(f, "bob", "viewer", "bobpass12");
	for (i = 0; !few && i < 64; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		line(f, name, "viewer", "x");
	}
	fclose(f);
	chmod(file, 0600);
}

static struct who who_of(const char *name)
{
	struct who w;

	memset(&w, 0, sizeof(w));
	w.via = VIA_BASIC;
	w.role = ROLE_VIEWER;
	snprintf(w.name, sizeof(w.name), "%s", name);
	return w;
}

/* A new session for w; its cookie value in cookie. */
static int session_for(struct auth *a, struct who w, char cookie[64])
{
	char id[33] = "";
	int r = auth_session_new(a, &w, id);

	snprintf(cookie, 64, "rerocctv_session=%s", id);
	return r;
}

static int session(struct auth *a, const char *name, char cookie[64])
{
	return session_for(a, who_of(name), cookie);
}

static int alive(struct auth *a, const char *cookie)
{
	struct who w;

	return auth_session(a, cookie, strlen(cookie), &w) == 0;
}

static struct who last;		/* who the last good check was */

/* A Basic check of user:pass from addr, run to its verdict. */
static enum verdict basic(struct auth *a, const char *addr, const char *user,
			  const char *pass)
{
	char up[128], hdr[200];
	struct from from;
	struct pollfd p;
	struct who w;
	int64_t retry;
	enum verdict v;
	int tries;

	memset(&from, 0, sizeof(from));
	snprintf(from.addr, sizeof(from.addr), "%s", addr);
	addr_key(addr, from.key);
	snprintf(up, sizeof(up), "%s:%s", user, pass);
	memcpy(hdr, "Basic ", 6);
	base64_encode((const unsigned char *)up, strlen(up), hdr + 6);
	for (tries = 0; tries < 100; tries++) {
		v = auth_basic(a, hdr, strlen(hdr), &from, t_mono, &w, &retry);
		if (v == V_OK)
			last = w;
		if (v != V_PENDING)
			return v;
		p.fd = auth_wake_fd(a);
		p.events = POLLIN;
		poll(&p, 1, 2000);
		auth_collect(a);
	}
	return V_PENDING;
}

/* Accounts limited to cameras: carol sees a and b, dave (an admin) a,
 * erin every camera; then what follows from them, and bad lists. */
static char cfile[64];

static void write_cams(const char *carol, const char *frank)
{
	FILE *f = fopen(cfile, "w");

	if (!f) {
		perror(cfile);
		exit(1);
	}
	line_cams(f, "carol", "viewer", "carolpass1", carol);
	line_cams(f, "dave", "admin", "davepass12", "a");
	line(f, "erin", "viewer", "erinpass12");
	if (frank)
		line_cams(f, "frank", "viewer", "frankpass1", frank);
	fclose(f);
	chmod(cfile, 0600);
}

static int sees(const struct who *w, const char *a, const char *b,
		const char *c)
{
	return auth_may_see(w, a) << 2 | auth_may_see(w, b) << 1 |
	       auth_may_see(w, c);
}

/* Bad lists, each refused with the file and its line. */
static void bad_lists(struct auth *a)
{
	static const char *const bad[] = {
		"", "A", "a,,b", "a,", ",a", "a,a", "a b", "a:b",
		"a,b,c,d,e,f,g,h,i",
		"abcdefghijklmnopqrstuvwxyz0123456",
	};
	char err[512], want[100];
	size_t i;
	int ok = 1;

	snprintf(want, sizeof(want), "%s:4: ", cfile);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_cams("a,b", bad[i]);
		err[0] = 0;
		if (auth_reload(a, err, sizeof(err)) == 0 ||
		    strncmp(err, want, strlen(want)) != 0) {
			CHECK(0, "cameras \"%s\" refused: %s", bad[i], err);
			ok = 0;
		}
	}
	CHECK(ok, "every bad camera list refused, naming file and line");
	write_cams("a,b", "a,b,c,d,e,f,g,h");
	CHECK_INT(auth_reload(a, err, sizeof(err)), 0, "eight cameras: fine");
	CHECK_INT(basic(a, "10.5.5.5", "frank", "frankpass1"), V_OK, "frank");
	CHECK(last.cams.n == 8 && sees(&last, "a", "h", "i") == 06,
	      "frank sees the eight");
}

static void cameras(void)
{
	char cc[64], cd[64], ce[64], err[512], tok[AUTH_TOKEN_HEX + 1];
	struct who carol, dave, erin, w;
	const char *why;
	struct auth *a;
	uint64_t checks;

	snprintf(cfile, sizeof(cfile), "%s/cams", dir);
	write_cams("a,b", NULL);
	a = auth_open(cfile, NULL, err, sizeof(err));
	CHECK(a != NULL, "accounts with cameras: %s", a ? "" : err);
	if (!a)
		return;
	CHECK_INT(basic(a, "10.5.5.5", "carol", "carolpass1"), V_OK, "carol");
	carol = last;
	CHECK(carol.cams.n == 2 && sees(&carol, "a", "b", "c") == 06,
	      "carol (a,b) sees a and b, not c");
	CHECK(!auth_may_see(&carol, NULL), "... nor every camera");
	checks = auth_checks(a);
	CHECK_INT(basic(a, "10.5.5.5", "carol", "carolpass1"), V_OK,
		  "carol again");
	CHECK(auth_checks(a) == checks && sees(&last, "a", "b", "c") == 06,
	      "a kept verdict carries her cameras");
	CHECK_INT(basic(a, "10.5.5.5", "dave", "davepass12"), V_OK, "dave");
	dave = last;
	CHECK(dave.role == ROLE_ADMIN && sees(&dave, "a", "b", "c") == 04,
	      "dave, an admin, sees a only");
	CHECK_INT(basic(a, "10.5.5.5", "erin", "erinpass12"), V_OK, "erin");
	erin = last;
	CHECK(sees(&erin, "a", "b", "zz") == 07 && auth_may_see(&erin, NULL),
	      "erin (no list) sees every camera");
	memset(&w, 0, sizeof(w));
	w.via = VIA_OPEN;
	w.role = ROLE_ADMIN;
	CHECK(sees(&w, "a", "b", "c") == 07 && auth_may_see(&w, NULL),
	      "an open server's anyone sees every camera");

	/* A session carries what its login had. */
	session_for(a, carol, cc);
	session_for(a, dave, cd);
	session_for(a, erin, ce);
	CHECK(auth_session(a, cc, strlen(cc), &w) == 0 &&
	      w.via == VIA_SESSION && sees(&w, "a", "b", "c") == 06,
	      "carol's session sees a and b");

	/* Share links: one camera, or every one. */
	CHECK_INT(auth_share_new(a, 3600, 0, "b", tok, err, sizeof(err)), 0,
		  "a link for b");
	CHECK(auth_share(a, tok, &w, &why) == 0 && w.via == VIA_SHARE &&
	      sees(&w, "a", "b", "c") == 02 && !auth_may_see(&w, NULL),
	      "it sees b only");
	CHECK_INT(auth_share_new(a, 3600, 0, NULL, tok, err, sizeof(err)), 0,
		  "a link for every camera");
	CHECK(auth_share(a, tok, &w, &why) == 0 &&
	      sees(&w, "a", "b", "c") == 07 && auth_may_see(&w, NULL),
	      "it sees every one");

	/* Carol's cameras change: her session and verdict go, the others
	 * stay. */
	write_cams("a", NULL);
	CHECK_INT(auth_reload(a, err, sizeof(err)), 0, "carol now sees a");
	CHECK(!alive(a, cc), "her session ended");
	CHECK(!auth_still(a, &carol), "her Basic access ended");
	CHECK(alive(a, cd) && alive(a, ce), "dave's and erin's hold");
	CHECK(auth_still(a, &dave) && auth_still(a, &erin),
	      "their Basic access holds");
	CHECK_INT(basic(a, "10.5.5.5", "carol", "carolpass1"), V_OK,
		  "carol again");
	CHECK(sees(&last, "a", "b", "c") == 04, "now sees a only");
	/* Every camera is a change too, and so is the order. */
	carol = last;
	write_cams(NULL, NULL);
	CHECK_INT(auth_reload(a, err, sizeof(err)), 0, "carol sees all");
	CHECK(!auth_still(a, &carol), "her access as it was ended");

	bad_lists(a);
	auth_close(a);
	unlink(cfile);
	snprintf(err, sizeof(err), "%s.secret", cfile);
	unlink(err);
}

/* passwd: sets the list, keeps it when not told, clears it with "". */
static void passwd(void)
{
	char pw[64], buf[1024], err[512];
	const char *l;
	FILE *f;
	size_t n;

	snprintf(pw, sizeof(pw), "%s/pw", dir);
#define LINE() (f = fopen(pw, "r"), n = f ? fread(buf, 1, sizeof(buf) - 1, \
		f) : 0, f ? fclose(f) : 0, buf[n] = 0, buf)
	CHECK_INT(account_set_password(pw, "zoe", NULL, "a,b", "zoepass12",
				       err, sizeof(err)), 0, "zoe, a and b");
	l = LINE();
	CHECK(!strncmp(l, "zoe:viewer:$pbkdf2", 18) && strstr(l, "$:a,b\n") ==
	      NULL && strlen(l) > 6 && !strcmp(l + strlen(l) - 5, ":a,b\n"),
	      "the line ends :a,b (%s)", l);
	CHECK_INT(account_set_password(pw, "zoe", "admin", NULL, "zoepass12",
				       err, sizeof(err)), 0, "zoe an admin");
	l = LINE();
	CHECK(!strncmp(l, "zoe:admin:", 10) &&
	      !strcmp(l + strlen(l) - 5, ":a,b\n"), "keeps a,b (%s)", l);
	CHECK_INT(account_set_password(pw, "zoe", NULL, "", "zoepass12", err,
				       sizeof(err)), 0, "zoe every camera");
	l = LINE();
	CHECK(!strncmp(l, "zoe:admin:$", 11) && !strchr(l + 11, ':'),
	      "no fourth field (%s)", l);
	CHECK_INT(account_set_password(pw, "zoe", NULL, "a,B", "zoepass12",
				       err, sizeof(err)), -1, "a,B refused");
	CHECK(strstr(err, "a,B") != NULL, "named: %s", err);
	/* A list that is not valid is not dropped (every camera) either. */
	f = fopen(pw, "w");
	if (f) {
		fputs("zoe:viewer:$pbkdf2-sha256$1000$x$y:a,,b\n", f);
		fclose(f);
	}
	CHECK_INT(account_set_password(pw, "zoe", NULL, NULL, "zoepass12",
				       err, sizeof(err)), -1,
		  "an old list that is not valid: refused");
	CHECK(strstr(LINE(), ":a,,b\n") != NULL, "the file untouched");
#undef LINE
	unlink(pw);
}

/* A server's cameras must have distinct share link tags: cam-43703 and
 * cam-45806 share one (1d388305, found by trying cam-0, cam-1, ...). */
static void camera_tags(void)
{
	struct camera cams[3];
	char err[256] = "";

	memset(cams, 0, sizeof(cams));
	snprintf(cams[0].name, sizeof(cams[0].name), "garden");
	snprintf(cams[1].name, sizeof(cams[1].name), "cam-43703");
	snprintf(cams[2].name, sizeof(cams[2].name), "door");
	CHECK_INT(auth_cameras_check(cams, 3, err, sizeof(err)), 0,
		  "three cameras, three tags");
	snprintf(cams[2].name, sizeof(cams[2].name), "cam-45806");
	CHECK(auth_cameras_check(cams, 3, err, sizeof(err)) == -1 &&
	      strstr(err, "cam-43703 and cam-45806"),
	      "two with one tag: refused, named (%s)", err);
}

int main(void)
{
	char c0[64], cb[64], cz[64], name[16], first[17][64];
	char all[AUTH_SESSIONS][64], err[512];
	struct auth *a;
	uint64_t checks;
	int i, k, n, ok;

	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(file, sizeof(file), "%s/users", dir);
	write_users(1, "alicepass1", 0);
	a = auth_open(file, NULL, err, sizeof(err));
	CHECK(a != NULL, "open: %s", a ? "" : err);
	if (!a)
		return unit_done();

	/* A session lasts AUTH_SESSION_S. */
	CHECK_INT(session(a, "alice", c0), 0, "a session");
	CHECK(alive(a, c0), "it holds");
	t_real += (int64_t)(AUTH_SESSION_S - 1) * 1000000;
	CHECK(alive(a, c0), "a second before its week is out");
	t_real += 2000000;
	CHECK(!alive(a, c0), "gone a second after");

	/* A user beyond the cap ends their own oldest. */
	CHECK_INT(session(a, "bob", cb), 0, "bob's session");
	for (i = 0; i < AUTH_USER_SESSIONS + 1; i++) {
		session(a, "alice", first[i]);
		t_real += 1000000;
	}
	CHECK(!alive(a, first[0]), "alice's oldest ended");
	for (i = 1, ok = 1; i <= AUTH_USER_SESSIONS; i++)
		ok &= alive(a, first[i]);
	CHECK(ok, "her %d newest hold", AUTH_USER_SESSIONS);
	CHECK(alive(a, cb), "bob's untouched");

	/* A full table: every slot someone else's. */
	for (k = 0; k < AUTH_SESSIONS / AUTH_USER_SESSIONS; k++) {
		snprintf(name, sizeof(name), "user%d", k);
		for (i = 0; i < AUTH_USER_SESSIONS; i++)
			session(a, name, all[k * AUTH_USER_SESSIONS + i]);
	}
	CHECK_INT(session(a, "zed", cz), -1, "a full table refuses");
	for (i = 0, n = 0; i < AUTH_SESSIONS; i++)
		n += alive(a, all[i]);
	CHECK_INT(n, AUTH_SESSIONS - 1 - AUTH_USER_SESSIONS,
		  "every other user's session holds");
	t_real += (int64_t)AUTH_SESSION_S * 1000000 + 1000000;
	CHECK_INT(session(a, "zed", cz), 0, "room again once they expire");

	/* A reload keeps a session whose user's line is unchanged. */
	CHECK_INT(basic(a, "10.9.9.9", "alice", "alicepass1"), V_OK, "alice");
	session_for(a, last, c0);
	CHECK_INT(basic(a, "10.9.9.9", "bob", "bobpass12"), V_OK, "bob");
	session_for(a, last, cb);
	write_users(0, "alicepass1", 0);
	CHECK_INT(auth_reload(a, err, sizeof(err)), 0, "reload");
	CHECK(alive(a, c0), "alice's session holds");
	CHECK(!alive(a, cb), "bob's ended with his line");
	write_users(0, "newpass99", 0);
	CHECK_INT(auth_reload(a, err, sizeof(err)), 0, "reload again");
	CHECK(!alive(a, c0), "a new password ends alice's");

	/* Guessing: five free, then slowed. */
	checks = auth_checks(a);
	for (i = 0, n = 0; i < 5; i++)
		n += basic(a, "10.1.1.1", "alice", "wrong") == V_BAD;
	CHECK(n == 5 && auth_checks(a) == checks + 1,
	      "the same wrong guess: one check, its verdict kept");
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "wrong%d", i);
		basic(a, "10.1.1.1", "alice", name);
	}
	CHECK_INT(basic(a, "10.1.1.1", "alice", "wrong9"), V_SLOW,
		  "the sixth guess is slowed");
	CHECK_INT(basic(a, "10.1.1.2", "alice", "newpass99"), V_OK,
		  "another address logs in");
	CHECK_INT(basic(a, "10.1.1.1", "alice", "wrong9"), V_SLOW,
		  "which clears nothing here");
	/* A verdict kept from before clears nothing either. */
	CHECK_INT(basic(a, "10.1.1.3", "alice", "newpass99"), V_OK,
		  "a good check from 10.1.1.3");
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "three%d", i);
		basic(a, "10.1.1.3", "alice", name);
	}
	CHECK_INT(basic(a, "10.1.1.3", "alice", "newpass99"), V_OK,
		  "its verdict, kept");
	CHECK_INT(basic(a, "10.1.1.3", "alice", "three9"), V_SLOW,
		  "still slowed after it");
	/* The worst offender: nine failures, 16 s to wait. */
	for (i = 0; i < 3; i++) {
		t_mono += 70000000;
		snprintf(name, sizeof(name), "more%d", i);
		basic(a, "10.1.1.1", "alice", name);
	}
	/* Hundreds of addresses with a failure each crowd the table (two
	 * entries each): the worst offender stays slowed. */
	for (i = 0; i < 300; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.2.%d.%d", i / 200, i % 200);
		snprintf(name, sizeof(name), "crowd%d", i);
		t_mono += 10000;
		basic(a, addr, "alice", name);
	}
	CHECK_INT(basic(a, "10.1.1.1", "alice", "more9"), V_SLOW,
		  "the worst offender is remembered");
	/* Of one IPv6 /64, every address is one. */
	for (i = 1; i <= 6; i++) {
		char addr[48];

		snprintf(addr, sizeof(addr), "fd00:1:2:3::%d", i);
		snprintf(name, sizeof(name), "six%d", i);
		n = basic(a, addr, "alice", name);
	}
	CHECK_INT(n, V_SLOW, "the sixth address of a /64 is slowed");

	camera_tags();
	cameras();
	passwd();
	auth_close(a);
	unlink(file);
	snprintf(err, sizeof(err), "%s.secret", file);
	unlink(err);
	rmdir(dir);
	return unit_done();
}
