/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-fwd's command line: the usage text and the options after EAL's.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "app_opts.h"
#include "fwd.h"

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "  --seconds S   run for S seconds (default 5)\n"
	       "  --frames N    stop after N frames (default 0: no limit)\n"
	       "  --size B      frame size in bytes, %u..1514 (default 1514)\n"
	       "  --speed M     pair cable speed in Mbit/s, 0 = unpaced "
	       "(default 100000)\n"
	       "  --help        this text\n"
	       "Uses the first two net_ofld ports given with --vdev, or makes\n"
	       "two on a pair cable named 'fwd'.\n", prog, HDR + 6);
}

static int
parse_u64(const char *name, const char *s, uint64_t min, uint64_t max,
	  uint64_t *out)
{
	return app_opt_u64("ofld-fwd", name, s, min, max, out);
}

int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 'z' },
		{ "speed", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	char *end;
	int c;

	o->seconds = 5;
	o->frames = 0;
	o->size = 1514;
	o->speed = 100000;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !(o->seconds > 0 && o->seconds <= 86400)) {
				fprintf(stderr, "ofld-fwd: --seconds %s: expected "
					"a number in (0, 86400]\n", optarg);
				return -1;
			}
			break;
		case 'n':
			if (parse_u64("frames", optarg, 0, UINT64_MAX, &v))
				return -1;
			o->frames = v;
			break;
		case 'z':
			if (parse_u64("size", optarg, HDR + 6, 1514, &v))
				return -1;
			o->size = (uint32_t)v;
			break;
		case 'p':
			if (parse_u64("speed", optarg, 0, 400000, &v))
				return -1;
			o->speed = (uint32_t)v;
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		default:
			usage(argv[0]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ofld-fwd: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}
