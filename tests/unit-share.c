/* unit-share.c: share.c tokens: what one says, and every way one made
 * elsewhere fails (a changed byte anywhere, another secret, expiry). */
#include "share.h"
#include "unit.h"

static const unsigned char secret[32] = "0123456789abcdef0123456789abcde";
static const unsigned char id[6] = { 1, 2, 3, 4, 5, 6 };

int main(void)
{
	unsigned char other[32];
	char t[SHARE_HEX + 1], bad[SHARE_HEX + 1];
	const char *why;
	struct share sh;
	int i, rejected = 0;

	share_make(secret, 2000000000, 60, id, t);
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

	/* Every digit changed, one at a time. */
	for (i = 0; i < SHARE_HEX; i++) {
		memcpy(bad, t, sizeof(bad));
		bad[i] = bad[i] == '0' ? '1' : '0';
		rejected += share_check(secret, bad, 1900000000, &sh,
					&why) != 0;
	}
	CHECK_INT(rejected, SHARE_HEX, "a changed digit anywhere");
	memcpy(bad, t, sizeof(bad));
	bad[3] = 'A';
	CHECK_INT(share_check(secret, bad, 1, &sh, &why), -1, "upper case");
	bad[3] = 'g';
	CHECK_INT(share_check(secret, bad, 1, &sh, &why), -1, "not hex");

	/* A longer expiry cannot be had by editing the token. */
	share_make(secret, 1950000000, 0, id, t);
	memcpy(bad, t, sizeof(bad));
	bad[9] = bad[9] == 'f' ? 'e' : 'f';
	CHECK_INT(share_check(secret, bad, 1960000000, &sh, &why), -1,
		  "an edited expiry");
	CHECK_INT(share_check(secret, t, 1940000000, &sh, &why), 0,
		  "no cap");
	CHECK_INT(sh.max_q, 0, "cap 0 means any");
	return unit_done();
}
