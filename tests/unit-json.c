/* unit-json.c: json.c, the flat objects clients send. */
#include "json.h"
#include "unit.h"

static char out[64];
static int str;

static int get(const char *s, const char *key)
{
	return json_get(s, strlen(s), key, out, sizeof(out), &str);
}

/* json_each: "key=value/s " per pair (s: a string) into seen. */
static char seen[256];

static int note(void *arg, const char *key, const char *val, int is_str)
{
	size_t n = strlen(seen);

	snprintf(seen + n, sizeof(seen) - n, "%s=%s%s ", key, val,
		 is_str ? "/s" : "");
	return arg && strcmp(key, (const char *)arg) == 0 ? 7 : 0;
}

static int each(const char *s, const char *stop)
{
	seen[0] = 0;
	return json_each(s, strlen(s), note, (void *)stop);
}

int main(void)
{
	CHECK_INT(get("{\"quality\":70}", "quality"), 2, "a number");
	CHECK_STR(out, "70", "its text");
	CHECK_INT(str, 0, "not a string");
	CHECK_INT(get(" { \"quality\" : \"auto\" } ", "quality"), 4,
		  "a string, spaces around");
	CHECK_STR(out, "auto", "unquoted");
	CHECK_INT(str, 1, "a string");
	CHECK_INT(get("{\"a\":1,\"quality\":-5.5e3,\"b\":true}", "quality"),
		  6, "among others");
	CHECK_STR(out, "-5.5e3", "as written");
	CHECK_INT(get("{\"a\":1}", "quality"), JSON_ABSENT, "absent");
	CHECK_INT(get("{}", "quality"), JSON_ABSENT, "empty object");
	CHECK_INT(get("{\"q\":1,\"q\":2}", "q"), 1, "the last one counts");
	CHECK_STR(out, "2", "the last value");
	CHECK_INT(get("{\"b\":null,\"c\":false}", "b"), 4, "null");

	CHECK_INT(get("{\"p\":\"a\\\"b\\\\c\\/d\\n\"}", "p"), 8, "escapes");
	CHECK_STR(out, "a\"b\\c/d\n", "unescaped");
	CHECK_INT(get("{\"p\":\"\\u00e9\\u20ac\"}", "p"), 5, "\\u as UTF-8");
	CHECK_STR(out, "\xc3\xa9\xe2\x82\xac", "é€");
	CHECK_INT(get("{\"p\":\"\\ud83d\\ude00\"}", "p"), 4, "a surrogate pair");
	CHECK_STR(out, "\xf0\x9f\x98\x80", "one code point");
	CHECK_INT(get("{\"p\":\"\\ud83d\"}", "p"), JSON_BAD, "a lone high");
	CHECK_INT(get("{\"p\":\"\\ude00\"}", "p"), JSON_BAD, "a lone low");
	CHECK_INT(get("{\"p\":\"\\u0000\"}", "p"), JSON_BAD, "\\u0000");
	CHECK_INT(get("{\"p\":\"\\x41\"}", "p"), JSON_BAD, "\\x");
	CHECK_INT(get("{\"p\":\"\\u12\"}", "p"), JSON_BAD, "short \\u");
	/* Each of the four must be a hex digit, wherever the bad one is. */
	CHECK_INT(get("{\"p\":\"\\u03fx\"}", "p"), JSON_BAD, "\\u03fx");
	CHECK_INT(get("{\"p\":\"\\ufffg\"}", "p"), JSON_BAD, "\\ufffg");
	CHECK_INT(get("{\"p\":\"\\uf0-0\"}", "p"), JSON_BAD, "\\uf0-0");
	CHECK_INT(get("{\"p\":\"\\ud83d\\ude0z\"}", "p"), JSON_BAD,
		  "a low surrogate with a bad digit");
	CHECK_INT(get("{\"p\":\"\\ud83d\\u0041\"}", "p"), JSON_BAD,
		  "a high surrogate before a non-surrogate");
	CHECK_INT(get("{\"p\":\"a\tb\"}", "p"), JSON_BAD, "a raw control");

	CHECK_INT(get("{\"p\":{\"x\":1}}", "p"), JSON_BAD, "nesting");
	CHECK_INT(get("{\"p\":[1]}", "p"), JSON_BAD, "an array");
	CHECK_INT(get("{\"p\":1,}", "p"), JSON_BAD, "a trailing comma");
	CHECK_INT(get("{\"p\":1} x", "p"), JSON_BAD, "bytes after it");
	CHECK_INT(get("{\"p\" 1}", "p"), JSON_BAD, "no colon");
	CHECK_INT(get("{p:1}", "p"), JSON_BAD, "a bare key");
	CHECK_INT(get("{\"p\":yes}", "p"), JSON_BAD, "a bare word");
	CHECK_INT(get("{\"p\":1", "p"), JSON_BAD, "unclosed");
	CHECK_INT(get("\"p\"", "p"), JSON_BAD, "not an object");
	CHECK_INT(get("", "p"), JSON_BAD, "nothing");
	CHECK_INT(get("{\"p\":\"0123456789012345678901234567890123456789"
		      "012345678901234567890123\"}", "p"), JSON_BAD,
		  "a value that does not fit");
	CHECK_INT(get("{\"other\":\"0123456789012345678901234567890123456"
		      "789012345678901234567890123\",\"p\":1}", "p"), 1,
		  "a long value of another key is fine");
	CHECK_INT(json_get("{\"p\":\"a\"}", 7, "p", out, sizeof(out), NULL),
		  JSON_BAD, "cut short");

	CHECK_INT(each("{\"b\":1,\"a\":\"x\",\"c\":true}", NULL), 0,
		  "each: a flat object");
	CHECK_STR(seen, "b=1 a=x/s c=true ", "each: every pair, in order");
	CHECK_INT(each("{}", NULL), 0, "each: empty");
	CHECK_STR(seen, "", "each: nothing seen");
	CHECK_INT(each("{\"a\":1,\"b\":2,\"c\":3}", "b"), 7,
		  "each: what fn returned");
	CHECK_STR(seen, "a=1 b=2 ", "each: stops there");
	CHECK_INT(each("{\"a\":1,\"b\":[2]}", NULL), JSON_BAD,
		  "each: a bad object");
	CHECK_STR(seen, "", "each: fn never called for it");
	CHECK_INT(each("{\"a\":1} {", NULL), JSON_BAD, "each: bytes after");
	CHECK_INT(each("{\"a\":\"0123456789012345678901234567890123456789"
		       "0123456789012345678901234\"}", NULL), JSON_BAD,
		  "each: a value over 63 bytes");
	return unit_done();
}
