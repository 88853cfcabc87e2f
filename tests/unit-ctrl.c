/* unit-ctrl.c: ctrl.c, camera controls as data: names, values, JSON. */
#include <stdlib.h>

#include "ctrl.h"
#include "obuf.h"
#include "unit.h"

static char key[CTRL_NAME], why[200];

static const char *k(const char *label)
{
	ctrl_key(label, key, sizeof(key));
	return key;
}

static struct ctrl_list l;

static struct ctrl *add(const char *label, enum ctrl_type t, int min,
			int max, int step, int def)
{
	struct ctrl *c = &l.c[l.n++];

	memset(c, 0, sizeof(*c));
	c->id = 0x980900 + (uint32_t)l.n;
	c->type = t;
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->min = min;
	c->max = max;
	c->step = step;
	c->def = c->value = def;
	return c;
}

static int parse(const char *name, const char *text, int is_str, int32_t *v)
{
	why[0] = 0;
	return ctrl_parse(ctrl_find(&l, name), text, is_str, v, why,
			  sizeof(why));
}

int main(void)
{
	struct ctrl *ae;
	struct obuf b = {0};
	int32_t v = -7;

	CHECK_STR(k("Brightness"), "brightness", "one word");
	CHECK_STR(k("Exposure Time, Absolute"), "exposure_time_absolute",
		  "a comma and spaces: one _");
	CHECK_STR(k("White Balance, Automatic"), "white_balance_automatic",
		  "white balance");
	CHECK_STR(k("  Power Line  Frequency (Hz)!"),
		  "power_line_frequency_hz", "nothing at either end");
	CHECK_STR(k("Focus, Automatic Continuous"),
		  "focus_automatic_continuous", "focus");
	CHECK_STR(k("H.264 Level"), "h_264_level", "digits stay");
	CHECK_STR(k("---"), "", "no letter or digit");
	ctrl_key("abcdefghijklmnopqrstuvwxyz abcdefghijklmn", key, 12);
	CHECK_STR(key, "abcdefghijk", "cut to the buffer");
	ctrl_key("abcdefghij kl", key, 12);
	CHECK_STR(key, "abcdefghij", "no _ without what follows it");

	add("Brightness", CTRL_INTEGER, 0, 255, 1, 128);
	add("Pan, Absolute", CTRL_INTEGER, -36000, 36000, 3600, 0);
	add("White Balance, Automatic", CTRL_BOOLEAN, 0, 1, 1, 1);
	ae = add("Auto Exposure", CTRL_MENU, 0, 3, 1, 3);
	ae->nitems = 2;
	ae->items[0].index = 1;
	snprintf(ae->items[0].name, 32, "Manual Mode");
	ae->items[1].index = 3;
	snprintf(ae->items[1].name, 32, "Aperture \"Priority\" Mode");
	add("Pan, Reset", CTRL_BUTTON, 0, 0, 0, 0)->flags = CTRL_WRITE_ONLY;
	add("Privacy", CTRL_BOOLEAN, 0, 1, 1, 0)->flags = CTRL_READ_ONLY;
	add("Brightness", CTRL_INTEGER, 0, 15, 1, 8);
	add("!!", CTRL_INTEGER, 0, 1, 1, 0);
	ctrl_names(&l);
	CHECK_STR(l.c[0].name, "brightness", "named");
	CHECK_STR(l.c[6].name, "brightness_2", "a second one gets _2");
	CHECK_STR(l.c[7].name, "control_980908", "none: the id");
	CHECK(ctrl_find(&l, "pan_absolute") == &l.c[1], "found by name");
	CHECK(ctrl_find(&l, "pan") == NULL, "no prefix match");

	CHECK_INT(parse("brightness", "200", 0, &v), 0, "in range");
	CHECK_INT(v, 200, "its value");
	CHECK_INT(parse("brightness", "256", 0, &v), -1, "over max");
	CHECK_STR(why, "brightness: 256 is out of range 0..255", "why");
	CHECK_INT(parse("brightness", "-1", 0, &v), -1, "under min");
	CHECK_INT(parse("brightness", "20.5", 0, &v), -1, "a fraction");
	CHECK_STR(why, "brightness: expected a whole number", "why");
	CHECK_INT(parse("brightness", "1e2", 0, &v), -1, "an exponent");
	CHECK_INT(parse("brightness", "99999999999", 0, &v), -1, "overflow");
	CHECK_INT(parse("brightness", "200", 1, &v), -1, "a string");
	CHECK_INT(parse("brightness", "true", 0, &v), -1, "a boolean");
	CHECK_INT(parse("pan_absolute", "-32400", 0, &v), 0, "on the step");
	CHECK_INT(v, -32400, "its value");
	CHECK_INT(parse("pan_absolute", "100", 0, &v), -1, "off the step");
	CHECK_STR(why, "pan_absolute: 100 is not on its step of 3600 from "
		  "-36000 (nearest: 0)", "why, with the nearest");
	CHECK_INT(parse("pan_absolute", "35999", 0, &v), -1, "off, near max");
	CHECK(strstr(why, "(nearest: 36000)") != NULL, "nearest: %s", why);
	CHECK_INT(parse("white_balance_automatic", "false", 0, &v), 0,
		  "false");
	CHECK_INT(v, 0, "is 0");
	CHECK_INT(parse("white_balance_automatic", "1", 0, &v), 0, "1");
	CHECK_INT(v, 1, "is 1");
	CHECK_INT(parse("white_balance_automatic", "2", 0, &v), -1, "2");
	CHECK_STR(why, "white_balance_automatic: expected true or false",
		  "why");
	CHECK_INT(parse("white_balance_automatic", "true", 1, &v), -1,
		  "\"true\", a string");
	CHECK_INT(parse("auto_exposure", "1", 0, &v), 0, "a menu item");
	CHECK_INT(parse("auto_exposure", "2", 0, &v), -1, "not an item");
	CHECK_STR(why, "auto_exposure: 2 is not one of its items (1, 3)",
		  "why, with the items");
	CHECK_INT(parse("auto_exposure", "Manual Mode", 1, &v), -1,
		  "an item's name");
	CHECK_INT(parse("pan_reset", "true", 0, &v), 0, "press a button");
	CHECK_INT(parse("pan_reset", "false", 0, &v), -1, "unpress one");
	CHECK_INT(parse("privacy", "0", 0, &v), -1, "read-only");
	CHECK_STR(why, "privacy is read-only", "why");

	l.c[3].flags |= CTRL_INACTIVE;
	l.c[3].value = 1;
	l.n = 5;
	ctrl_json(&b, &l);
	obuf_put(&b, "", 1);
	CHECK(b.p && strstr(b.p, "{\"id\":9963777,\"name\":\"brightness\","
		     "\"label\":\"Brightness\",\"type\":\"integer\","
		     "\"min\":0,\"max\":255,\"step\":1,\"default\":128,"
		     "\"value\":128,\"inactive\":false,\"read_only\":false,"
		     "\"write_only\":false,\"grabbed\":false}") == b.p + 1,
	      "an integer in JSON");
	CHECK(strstr(b.p, "\"type\":\"boolean\",\"min\":0,\"max\":1,"
		     "\"step\":1,\"default\":true,\"value\":true,") != NULL,
	      "a boolean as true/false");
	CHECK(strstr(b.p, "\"default\":3,\"value\":1,\"inactive\":true,") &&
	      strstr(b.p, "\"menu\":[{\"index\":1,\"name\":\"Manual Mode\"},"
		     "{\"index\":3,\"name\":\"Aperture \\\"Priority\\\" "
		     "Mode\"}]}"), "a menu, inactive, its items escaped");
	CHECK(strstr(b.p, "\"type\":\"button\",\"min\":0,\"max\":0,"
		     "\"step\":0,\"default\":null,\"value\":null,"
		     "\"inactive\":false,\"read_only\":false,"
		     "\"write_only\":true,") != NULL, "a button: no value");
	CHECK(b.p[b.len - 2] == ']', "an array");
	obuf_free(&b);
	l.n = 0;
	ctrl_json(&b, &l);
	obuf_put(&b, "", 1);
	CHECK_STR(b.p, "[]", "no controls");
	obuf_free(&b);
	return unit_done();
}
