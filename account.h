/* account.c: the files that hold secrets: the accounts file (one user per
 * line, NAME:ROLE:$pbkdf2-sha256$ITERATIONS$SALT$KEY[:CAMERAS], CAMERAS
 * a comma-separated list of the cameras the user may see, none: every
 * one) and the share secret's file. Parse, load, write; no threads, no
 * sockets. */
#ifndef ACCOUNT_H
#define ACCOUNT_H
#include <stddef.h>

#include "auth.h"

enum {
	ACCOUNT_MAX = 256,		/* users in a file */
	ACCOUNT_NAME_MAX = 32,
	ACCOUNT_SALT = 16,
	ACCOUNT_PASS_MAX = 256		/* a password is shorter than this */
};

struct user {
	char name[ACCOUNT_NAME_MAX + 1];
	enum role role;
	unsigned long iter;
	unsigned char salt[ACCOUNT_SALT], key[32];
	struct cam_list cams;		/* n 0: every camera */
	unsigned char tag[32];		/* hash of what the line grants:
					   hash, role, cameras */
};

/* Is s[0..n) a user name we take (1..32 of A-Z a-z 0-9 . _ @ -)? */
int account_valid_name(const char *s, size_t n);
/* Loads path into a new array (*out, *n users; free() it). -1 with err
 * naming the file and line: unreadable, readable or writable by others,
 * a bad line, a user named twice. */
int account_load(const char *path, struct user **out, int *n, char *err,
		 size_t errsz);
/* Is s a list of cameras we take: 1 to CAMERA_MAX names (each
 * camera_valid_name()), separated by commas, none twice? 0 with out
 * filled, or -1 with *why. */
int account_cameras(const char *s, struct cam_list *out, const char **why);
/* Adds user or changes the password (and role, if role is not NULL; a
 * new user is a viewer; and cameras, if cameras is not NULL: a list as
 * account_cameras() takes it, or "" for every camera; a new user sees
 * every one): the line is hashed with a new salt and the file rewritten
 * atomically, mode 0600, through a new file made beside it (never one
 * that exists). 0 or -1 with err. */
int account_set_password(const char *path, const char *user,
			 const char *role, const char *cameras,
			 const char *pass, char *err, size_t errsz);

/* The share secret: 32 random bytes as 64 hex digits in a 0600 file.
 * account_secret() loads it (1), reports it missing (0), or fails (-1);
 * create != 0 makes it when missing (then 1). */
int account_secret(const char *path, unsigned char secret[32], int create,
		   char *err, size_t errsz);

#endif
