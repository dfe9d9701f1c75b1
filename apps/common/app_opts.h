/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_APP_OPTS_H
#define OFLD_APP_OPTS_H

/* Option parsing the sample applications share. */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/** --NAME S as an integer in [min, max]; says why not to stderr. */
static inline int
app_opt_u64(const char *prog, const char *name, const char *s, uint64_t min,
	    uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: --%s %s: expected an integer in "
			"[%" PRIu64 ", %" PRIu64 "]\n", prog, name, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

#endif /* OFLD_APP_OPTS_H */
