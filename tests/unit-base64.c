/* unit-base64.c: RFC 4648 section 10 vectors both ways, every byte
 * value, a long round trip and the non-canonical inputs we reject. */
#include <stdlib.h>

#include "unit.h"
#include "base64.h"

static const char *enc(const char *s)
{
	static char out[64];

	base64_encode(s, strlen(s), out);
	return out;
}

static const char *dec(const char *s)
{
	static unsigned char out[64];
	long n = base64_decode(s, strlen(s), out);

	if (n < 0)
		return "(error)";
	out[n] = '\0';
	return (const char *)out;
}

static long dec_len(const char *s)
{
	unsigned char out[64];

	return base64_decode(s, strlen(s), out);
}

int main(void)
{
	static const char *v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *bad[] = {
		"Zg=", "Zg", "Z", "Zm9vY", "Zm9vYg=",	/* wrong length */
		"Zg=a", "Z===", "====", "Zm=v", "=m9v",	/* bad padding */
		"Zm9v====", "Zg==Zm9v",
		"Zh==", "Zm9=", "Zm+=", "AB==",		/* pad bits set */
		"Zm9\n", "Zm 9", "Zm-v", "Zm_v", "Zm9\x80",	/* bad chars */
	};
	unsigned char all[256], back[256 + 3], *big, *bigback;
	char text[BASE64_LEN(256) + 1], *bigtext;
	size_t i, n, bign = 100 * 1024;
	long r;
	int ok;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK_STR(enc(v[i][0]), v[i][1], "encode");
		CHECK_STR(dec(v[i][1]), v[i][0], "decode");
	}
	CHECK_INT(BASE64_LEN(0), 0, "BASE64_LEN(0)");
	CHECK_INT(BASE64_LEN(16), 24, "BASE64_LEN(16)");
	CHECK_INT(BASE64_LEN(20), 28, "BASE64_LEN(20)");
	CHECK_INT(dec_len("Zg=="), 1, "length of Zg==");
	CHECK_INT(dec_len("Zm8="), 2, "length of Zm8=");
	CHECK_STR(dec("+/+/"), "\xfb\xff\xbf", "decode + and /");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(base64_decode(bad[i], strlen(bad[i]), back), -1,
			  "reject bad input");
	CHECK_INT(base64_decode("Zm\0v", 4, back), -1, "reject NUL");

	/* Every byte value, at every length 0..256 (each tail shape). */
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	ok = 1;
	for (n = 0; n <= 256; n++) {
		i = base64_encode(all, n, text);
		ok &= i == BASE64_LEN(n) && text[i] == '\0';
		r = base64_decode(text, i, back);
		ok &= r == (long)n && memcmp(back, all, n) == 0;
	}
	CHECK(ok, "all byte values round trip at every length");
	base64_encode(all, 3, text);
	CHECK_STR(text, "AAEC", "encode 00 01 02");
	base64_encode(all + 253, 3, text);
	CHECK_STR(text, "/f7/", "encode fd fe ff");

	/* 100 KB round trip. */
	big = malloc(bign);
	bigback = malloc(bign);
	bigtext = malloc(BASE64_LEN(bign) + 1);
	if (!big || !bigback || !bigtext)
		return 99;
	for (i = 0; i < bign; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	n = base64_encode(big, bign, bigtext);
	CHECK_INT(n, BASE64_LEN(bign), "100 KB encoded length");
	r = base64_decode(bigtext, n, bigback);
	CHECK(r == (long)bign && memcmp(big, bigback, bign) == 0,
	      "100 KB round trip");
	bigtext[n / 2] = '*';
	CHECK_INT(base64_decode(bigtext, n, bigback), -1,
		  "bad char in the middle of 100 KB");
	free(big);
	free(bigback);
	free(bigtext);
	return unit_done();
}
