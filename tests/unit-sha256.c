/* unit-sha256.c: SHA-256 against the FIPS 180 vectors, HMAC-SHA-256 against
 * RFC 4231, PBKDF2 against RFC 7914 and others, split updates, ct_equal. */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "sha256.h"

static const char *hex(const unsigned char *d, size_t n)
{
	static char s[2 * 64 + 1];
	size_t i;

	for (i = 0; i < n && i < 64; i++)
		snprintf(s + 2 * i, 3, "%02x", d[i]);
	s[2 * i] = '\0';
	return s;
}

static const char *sha256_hex(const void *p, size_t n)
{
	unsigned char d[32];

	sha256(p, n, d);
	return hex(d, 32);
}

/* Checks HMAC(key, msg) against want, which may be a truncated tag, both
 * one-shot and with msg split in two at every offset. */
static void check_hmac(const void *key, size_t klen, const void *msg,
		       size_t n, const char *want, const char *what)
{
	struct hmac_sha256 h;
	unsigned char d[32];
	size_t i, tlen = strlen(want) / 2;
	int same = 1;

	hmac_sha256(key, klen, msg, n, d);
	CHECK_STR(hex(d, tlen), want, what);
	for (i = 0; i <= n; i++) {
		hmac_sha256_init(&h, key, klen);
		hmac_sha256_update(&h, msg, i);
		hmac_sha256_update(&h, (const char *)msg + i, n - i);
		hmac_sha256_final(&h, d);
		same &= strcmp(hex(d, tlen), want) == 0;
	}
	CHECK(same, "%s: split at every offset", what);
}

/* Checks PBKDF2 with dkLen = strlen(want) / 2 against want. */
static void check_pbkdf2(const char *pw, size_t pwlen, const char *salt,
			 size_t saltlen, unsigned long c, const char *want,
			 const char *what)
{
	unsigned char dk[64];
	size_t n = strlen(want) / 2;
	int r;

	r = pbkdf2_sha256(pw, pwlen, salt, saltlen, c, dk, n);
	CHECK(r == 0 && strcmp(hex(dk, n), want) == 0, "%s: %d %s", what, r,
	      hex(dk, n));
}

/* FIPS 180-4 examples (csrc.nist.gov, SHA256.pdf and SHA2_Additional):
 * one-shot, bytewise, and split in two at every offset. */
static void test_vectors(void)
{
	static const struct {
		const char *what, *msg, *want;
	} v[] = {
		{ "abc", "abc",
		  "ba7816bf8f01cfea414140de5dae2223"
		  "b00361a396177a9cb410ff61f20015ad" },
		{ "empty", "",
		  "e3b0c44298fc1c149afbf4c8996fb924"
		  "27ae41e4649b934ca495991b7852b855" },
		/* Crosses the 56-byte padding boundary. */
		{ "448-bit",
		  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039"
		  "a33ce45964ff2167f6ecedd419db06c1" },
		/* Two whole blocks before the padding. */
		{ "896-bit",
		  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b049237"
		  "0b249b11e8f07a51afac45037afee9d1" },
	};
	unsigned char d[32];
	struct sha256 c;
	size_t i, j, n;
	int same;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = strlen(v[i].msg);
		CHECK_STR(sha256_hex(v[i].msg, n), v[i].want, v[i].what);
		sha256_init(&c);
		for (j = 0; j < n; j++)
			sha256_update(&c, v[i].msg + j, 1);
		sha256_final(&c, d);
		CHECK(strcmp(hex(d, 32), v[i].want) == 0, "%s bytewise: %s",
		      v[i].what, hex(d, 32));
		same = 1;
		for (j = 0; j <= n; j++) {
			sha256_init(&c);
			sha256_update(&c, v[i].msg, j);
			sha256_update(&c, v[i].msg + j, n - j);
			sha256_final(&c, d);
			same &= strcmp(hex(d, 32), v[i].want) == 0;
		}
		CHECK(same, "%s split at every offset", v[i].what);
	}
	CHECK_STR(sha256_hex(NULL, 0), v[1].want, "empty from NULL");
}

static int test_million(void)
{
	const char *want =
		"cdc76e5c9914fb9281a1c7e284d73e67"
		"f1809a48a497200e046d39ccc7112cd0";
	unsigned char d[32], *big;
	struct sha256 c;
	size_t i, k, n = 1000000;

	/* A million 'a', one-shot and in odd-sized pieces. */
	big = malloc(n);
	if (!big)
		return -1;
	memset(big, 'a', n);
	CHECK_STR(sha256_hex(big, n), want, "million a");
	sha256_init(&c);
	for (i = 0; i < n; i += k) {
		k = (i % 97) + 1;
		if (k > n - i)
			k = n - i;
		sha256_update(&c, big + i, k);
	}
	sha256_final(&c, d);
	CHECK_STR(hex(d, 32), want, "million a in pieces");
	free(big);
	return 0;
}

static void test_splits(void)
{
	unsigned char d[32], whole[32], one[32], buf[200];
	struct sha256 c;
	size_t i, j, n;
	int same;

	/* Every split of a 200-byte input, and every length 0..200, since
	 * padding changes shape at 55/56 and 63/64 bytes. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	sha256(buf, sizeof(buf), whole);
	same = 1;
	for (i = 0; i <= sizeof(buf); i++) {
		sha256_init(&c);
		sha256_update(&c, buf, i);
		sha256_update(&c, buf + i, sizeof(buf) - i);
		sha256_final(&c, d);
		same &= memcmp(d, whole, 32) == 0;
	}
	CHECK(same, "200 bytes split at every offset == one-shot");
	same = 1;
	for (n = 0; n <= sizeof(buf); n++) {
		sha256(buf, n, one);
		for (i = 0; i <= n; i += 13) {
			sha256_init(&c);
			sha256_update(&c, buf, i);
			for (j = i; j < n; j++)
				sha256_update(&c, buf + j, 1);
			sha256_final(&c, d);
			same &= memcmp(d, one, 32) == 0;
		}
	}
	CHECK(same, "lengths 0..200, bytewise tails == one-shot");
}

/* RFC 4231 section 4, test cases 1 to 7. */
static void test_hmac(void)
{
	const char *m6 =
		"Test Using Larger Than Block-Size Key - Hash Key First";
	const char *m7 = "This is a test using a larger than block-size key "
		"and a larger than block-size data. The key needs to be hashed "
		"before being used by the HMAC algorithm.";
	unsigned char k[131], m[50], d[32], e[32];
	int i;

	memset(k, 0x0b, 20);
	check_hmac(k, 20, "Hi There", 8,
		   "b0344c61d8db38535ca8afceaf0bf12b"
		   "881dc200c9833da726e9376c2e32cff7",
		   "RFC 4231 case 1");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		   "5bdcc146bf60754e6a042426089575c7"
		   "5a003f089d2739839dec58b964ec3843",
		   "RFC 4231 case 2");
	memset(k, 0xaa, 20);
	memset(m, 0xdd, 50);
	check_hmac(k, 20, m, 50,
		   "773ea91e36800e46854db8ebd09181a7"
		   "2959098b3ef8c122d9635514ced565fe",
		   "RFC 4231 case 3");
	for (i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(m, 0xcd, 50);
	check_hmac(k, 25, m, 50,
		   "82558a389a443c0ea4cc819899f2083a"
		   "85f0faa3e578f8077a2e3ff46729665b",
		   "RFC 4231 case 4");
	memset(k, 0x0c, 20);
	check_hmac(k, 20, "Test With Truncation", 20,
		   "a3b6167473100ee06e0c796c2955552b",
		   "RFC 4231 case 5 (128 bits)");
	memset(k, 0xaa, 131);
	check_hmac(k, 131, m6, strlen(m6),
		   "60e431591ee0b67f0d8a26aacbf5b77f"
		   "8e0bc6213728c5140546040f0ee37f54",
		   "RFC 4231 case 6");
	check_hmac(k, 131, m7, strlen(m7),
		   "9b09ffa71b942fcb27635fbcd5b0e944"
		   "bfdc63644f0713938a7f51535c3a35e2",
		   "RFC 4231 case 7");

	/* A key longer than a block is the same as its hash as the key. */
	sha256(k, 131, d);
	hmac_sha256(d, 32, m7, strlen(m7), e);
	CHECK_STR(hex(e, 32),
		  "9b09ffa71b942fcb27635fbcd5b0e944"
		  "bfdc63644f0713938a7f51535c3a35e2",
		  "long key == its hash as the key");
	hmac_sha256(NULL, 0, NULL, 0, d);
	CHECK_STR(hex(d, 32),
		  "b613679a0814d9ec772f95d778c35fc5"
		  "ff1697c493715653c6c712144292c5ad",
		  "empty key, empty message");
}

static void test_pbkdf2(void)
{
	unsigned char dk[64], was[64];

	/* RFC 7914 section 11. */
	check_pbkdf2("passwd", 6, "salt", 4, 1,
		     "55ac046e56e3089fec1691c22544b605"
		     "f94185216dde0465e68b9d57c20dacbc"
		     "49ca9cccf179b645991664b39d77ef31"
		     "7c71b845b1e30bd509112041d3a19783",
		     "RFC 7914 passwd/salt c=1");
	check_pbkdf2("Password", 8, "NaCl", 4, 80000,
		     "4ddcd8f60b98be21830cee5ef22701f9"
		     "641a4418d04c0414aeff08876b34ab56"
		     "a1d425a1225833549adb841b51c9b317"
		     "6a272bdebba1d078478f62b397f33c8d",
		     "RFC 7914 Password/NaCl c=80000");
	/* The widely published SHA-256 counterparts of the RFC 6070 set. */
	check_pbkdf2("password", 8, "salt", 4, 1,
		     "120fb6cffcf8b32c43e7225256c4f837"
		     "a86548c92ccc35480805987cb70be17b",
		     "password/salt c=1");
	check_pbkdf2("password", 8, "salt", 4, 2,
		     "ae4d0c95af6b46d32d0adff928f06dd0"
		     "2a303f8ef3c251dfd6e2d85a95474c43",
		     "password/salt c=2");
	check_pbkdf2("password", 8, "salt", 4, 4096,
		     "c5e478d59288c841aa530db6845c4c8d"
		     "962893a001ce4e11a4963873aa98134a",
		     "password/salt c=4096");
	check_pbkdf2("passwordPASSWORDpassword", 24,
		     "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096,
		     "348c89dbcbd32b2f32d814b8116e84cf"
		     "2b17347ebc1800181c4e2a1fb8dd53e1"
		     "c635518c7dac47e9", "long password and salt, dkLen=40");
	check_pbkdf2("pass\0word", 9, "sa\0lt", 5, 4096,
		     "89b69d0516f829893c696226650a8687",
		     "NULs inside, dkLen=16");

	/* Bad arguments are refused before out is written. */
	memset(dk, 0x5a, sizeof(dk));
	memcpy(was, dk, sizeof(dk));
	CHECK_INT(pbkdf2_sha256("p", 1, "s", 1, 0, dk, 32), -1,
		  "iterations 0");
	CHECK_INT(pbkdf2_sha256("p", 1, "s", 1, 1, dk, 0), -1, "outlen 0");
	if (SIZE_MAX / 32 > 0xffffffff)
		CHECK_INT(pbkdf2_sha256("p", 1, "s", 1, 1, dk,
					(size_t)0xffffffff * 32 + 1), -1,
			  "outlen above (2^32 - 1) * 32");
	CHECK(memcmp(dk, was, sizeof(dk)) == 0, "out untouched on -1");
}

static void test_ct_equal(void)
{
	unsigned char a[64], b[64];
	int i, bit, ok;

	for (i = 0; i < 64; i++)
		a[i] = b[i] = (unsigned char)(i * 31 + 1);
	CHECK_INT(ct_equal(a, b, 64), 1, "equal");
	CHECK_INT(ct_equal(a, b, 0), 1, "empty");
	CHECK_INT(ct_equal(NULL, NULL, 0), 1, "empty from NULL");
	CHECK_INT(ct_equal(a, a, 64), 1, "same buffer");
	/* Every single-bit difference at every position, including 0x80
	 * and the case where the whole byte differs. */
	ok = 1;
	for (i = 0; i < 64; i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (unsigned char)(1 << bit);
			ok &= ct_equal(a, b, 64) == 0;
			b[i] ^= (unsigned char)(1 << bit);
		}
		b[i] ^= 0xff;
		ok &= ct_equal(a, b, 64) == 0;
		ok &= ct_equal(a, b, (size_t)i) == 1;
		b[i] ^= 0xff;
	}
	CHECK(ok, "any bit of any byte differing gives 0; prefixes equal");
}

int main(void)
{
	test_vectors();
	if (test_million() < 0)
		return 99;
	test_splits();
	test_hmac();
	test_pbkdf2();
	test_ct_equal();
	return unit_done();
}
