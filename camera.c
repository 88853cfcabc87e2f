/* camera.c: camera names. */
#include <string.h>

#include "camera.h"

int camera_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > CAMERA_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

struct camera *camera_find(struct camera *cams, int ncams, const char *s,
			   size_t n)
{
	int i;

	for (i = 0; i < ncams; i++)
		if (strlen(cams[i].name) == n &&
		    memcmp(cams[i].name, s, n) == 0)
			return &cams[i];
	return NULL;
}
