/* unit-share.c: share.c tokens: what one says, and every way one made
 * elsewhere fails (a changed byte anywhere, another secret, expiry);
 * the camera a version 2 token names, and version 1 tokens, made here by
 * their documented layout, still taken as every camera's. */
#include "sha256.h"
#include "share.h"
#include "util.h"
#include "unit.h"

static const unsigned char secret[32] = "0123456789abcdef0123456789abcde";
static const unsigned char id[6] = { 1, 2, 3, 4, 5, 6 };

/* A token of version ver laid out as version 1 is (doc/security.md):
 * expiry in 8 bytes, the cap, the id; signed with secret. */
static void make_v1(int ver, int64_t expires, int max_q,
		    char out[SHARE_HEX + 1])
{
	unsigned char t[SHARE_BYTES], mac[32];
	int i;

	t[0] = (unsigned char)ver;
	for (i = 0; i < 8; i++)
		t[1 + i] = (unsigned char)((uint64_t)expires >> (56 - 8 * i));
	t[9] = (unsigned char)max_q;
	memcpy(t + 10, id, 6);
	hmac_sha256(secret, 32, t, 16, mac);
	memcpy(t + 16, mac, 16);
	hex_encode(t, SHARE_BYTES, out);
}

/* Every digit of t changed, one at a time: how many are refused. */
static int each_digit_refused(const char *t)
{
	char bad[SHARE_HEX + 1];
	const char *why;
	struct share sh;
	int i, n = 0;

	for (i = 0; i < SHARE_HEX; i++) {
		memcpy(bad, t, sizeof(bad));
		bad[i] = bad[i] == '0' ? '1' : '0';
		n += share_check(secret, bad, 1900000000, &sh, &why) != 0;
	}
	return n;
}

static void cameras(void)
{
	uint32_t a = share_camera_tag("garden"), b = share_camera_tag("door");
	char t[SHARE_HEX + 1], bad[SHARE_HEX + 1];
	const char *why;
	struct share sh;
	int i;

	CHECK(a != 0 && b != 0 && a != b, "two cameras, two tags, never 0");
	CHECK(a == share_camera_tag("garden"), "the same name, the same tag");
	/* The first 4 bytes of SHA-256("camera:garden"), as anyone making
	 * a token by the documented layout computes them
	 * (printf camera:garden | sha256sum). */
	CHECK(a == 0x8d6d07ad, "garden's tag: %08x", (unsigned)a);

	share_make(secret, 2000000000, 0, a, id, t);
	CHECK(t[0] == '0' && t[1] == '2', "version 2: %.2s", t);
	CHECK_INT(share_check(secret, t, 1900000000, &sh, &why), 0,
		  "a camera's link");
	CHECK(sh.camera == a, "names its camera's tag");
	CHECK_INT((int)sh.expires, 2000000000, "its expiry");
	CHECK_STR(sh.id, "010203040506", "its id");
	CHECK_INT(each_digit_refused(t), SHARE_HEX,
		  "a changed digit anywhere, the camera's too");
	/* Another camera's tag in place of this one's: not signed. */
	memcpy(bad, t, sizeof(bad));
	snprintf(bad + 24, 9, "%08x", (unsigned)b);
	bad[32] = t[32];
	CHECK_INT(share_check(secret, bad, 1900000000, &sh, &why), -1,
		  "another camera's tag put in");
	/* ... nor 0, every camera. */
	memcpy(bad + 24, "00000000", 8);
	CHECK_INT(share_check(secret, bad, 1900000000, &sh, &why), -1,
		  "every camera put in");

	share_make(secret, 2000000000, 0, 0, id, t);
	CHECK_INT(share_check(secret, t, 1900000000, &sh, &why), 0,
		  "every camera's link");
	CHECK(sh.camera == 0, "names none");

	/* Version 1: every camera, its cap and id as it says. */
	make_v1(1, 2000000000, 40, t);
	CHECK_INT(share_check(secret, t, 1900000000, &sh, &why), 0,
		  "a version 1 link still holds");
	CHECK(sh.camera == 0 && sh.max_q == 40 &&
	      sh.expires == 2000000000 && !strcmp(sh.id, "010203040506"),
	      "every camera, q40, its expiry and id");
	CHECK_INT(each_digit_refused(t), SHARE_HEX,
		  "a version 1 link: a changed digit anywhere");
	CHECK_INT(share_check(secret, t, 2000000000, &sh, &why), -1,
		  "a version 1 link at its expiry");
	CHECK_STR(why, "expired", "says expired");
	for (i = 0; i < 256; i++) {
		if (i == 1 || i == 2)
			continue;
		make_v1(i, 2000000000, 0, t);
		if (share_check(secret, t, 1900000000, &sh, &why) == 0)
			break;
	}
	CHECK_INT(i, 256, "signed, but no other version is taken");

	/* Expiry: 4 bytes hold until 2106; later is clamped, not wrapped. */
	share_make(secret, 4294967295LL, 0, a, id, t);
	CHECK_INT(share_check(secret, t, 4294967294LL, &sh, &why), 0,
		  "the last second of 2106");
	share_make(secret, 4294967296LL + 100, 0, a, id, t);
	CHECK(share_check(secret, t, 1900000000, &sh, &why) == 0 &&
	      sh.expires == 4294967295LL, "past 2106: clamped (%lld)",
	      (long long)sh.expires);
}

int main(void)
{
	unsigned char other[32];
	char t[SHARE_HEX + 1], bad[SHARE_HEX + 1];
	const char *why;
	struct share sh;

	share_make(secret, 2000000000, 60, 0, id, t);
	CHECK_INT((int)strlen(t), SHARE_HEX, "64 hex digits");
	CHECK_INT(share_check(secret, t, 1900000000, &sh, &why), 0, "valid");
	CHECK_INT((int)sh.expires, 2000000000, "expiry");
	CHECK_INT(sh.max_q, 60, "quality cap");
	CHECK_STR(sh.id, "010203040506", "id");

	CHECK_INT(share_check(secret, t, 2000000000, &sh, &why), -1,
		  "at its expiry");
	CHECK_STR(why, "expired", "says expired");

	memcpy(other, secret, 32);
	other[31] ^= 1;
	CHECK_INT(share_check(other, t, 1900000000, &sh, &why), -1,
		  "another secret");
	CHECK_STR(why, "not valid", "says not valid");

	CHECK_INT(each_digit_refused(t), SHARE_HEX, "a changed digit anywhere");
	memcpy(bad, t, sizeof(bad));
	bad[3] = 'A';
	CHECK_INT(share_check(secret, bad, 1, &sh, &why), -1, "upper case");
	bad[3] = 'g';
	CHECK_INT(share_check(secret, bad, 1, &sh, &why), -1, "not hex");

	/* A longer expiry cannot be had by editing the token. */
	share_make(secret, 1950000000, 0, 0, id, t);
	memcpy(bad, t, sizeof(bad));
	bad[9] = bad[9] == 'f' ? 'e' : 'f';
	CHECK_INT(share_check(secret, bad, 1960000000, &sh, &why), -1,
		  "an edited expiry");
	CHECK_INT(share_check(secret, t, 1940000000, &sh, &why), 0,
		  "no cap");
	CHECK_INT(sh.max_q, 0, "cap 0 means any");

	cameras();
	return unit_done();
}
