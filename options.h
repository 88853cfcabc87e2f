/* options.c: the command line: the server's options and the cameras
 * they make (--camera, or one from --source and --device), checked with a
 * clear message and death at start; and the helpers the subcommands
 * (rerocctv.c) parse theirs with. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include "camera.h"
#include "config.h"
#include "ctrl_state.h"
#include "source.h"

#define VERSION "0.1"

/* What the command line says. */
struct opts {
	struct config srv;
	struct source_opts src;		/* every camera's defaults */
	const char *source, *device;	/* without --camera */
	int legacy;			/* --source or --device given */
	int workers, max_rungs, list_formats;
	const char *ctrls[CONTROLS_KEPT_MAX];	/* --ctrl NAME=VALUE */
	int nctrls;
	const char *camera[CAMERA_MAX];	/* --camera values */
	int ncams;
	struct camera cams[CAMERA_MAX];
};

/* Fills o from argv (prints the usage or the version and exits for
 * -h/--help and --version; dies with a message on a bad option); then
 * o->cams[0..o->ncams) are the cameras, not started. */
void options_parse(struct opts *o, int argc, char **argv);

/* For the subcommands. opt_is(): is arg the option opt ("--opt" or
 * "--opt=V")? opt_value(): its value, "--opt=V" or the next argument
 * (dies if none). opt_int(): v as a number in lo..hi, or death. */
int opt_is(const char *arg, const char *opt);
const char *opt_value(int argc, char **argv, int *i, const char *opt);
int opt_int(const char *opt, const char *v, int lo, int hi);

#endif
