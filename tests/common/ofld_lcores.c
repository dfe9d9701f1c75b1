/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The EAL lcore option of every C test program (policy: ofld_lcores.h and
 * docs/reliability.md). Plain libc, so that the fuzz harnesses and the
 * interop helper, which do not link the CUnit helpers, use it too.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdio.h>

#include "ofld_lcores.h"

const char *
ofld_test_lcores(char *buf, size_t len, unsigned int nb_lcores)
{
	cpu_set_t set;
	size_t off;
	int cpu, n;

	if (sched_getaffinity(0, sizeof(set), &set) != 0 ||
	    CPU_COUNT(&set) == 0 || nb_lcores == 0) {
		fprintf(stderr, "ofld_test_lcores: cannot read this process's "
			"CPU affinity\n");
		return NULL;
	}
	n = nb_lcores == 1 ? snprintf(buf, len, "--lcores=0@(") :
		snprintf(buf, len, "--lcores=(0-%u)@(", nb_lcores - 1);
	if (n < 0 || (size_t)n >= len)
		goto small;
	off = (size_t)n;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		n = snprintf(buf + off, len - off, "%s%d",
			     buf[off - 1] == '(' ? "" : ",", cpu);
		if (n < 0 || (size_t)n >= len - off)
			goto small;
		off += (size_t)n;
	}
	if (off + 2 > len)
		goto small;
	buf[off] = ')';
	buf[off + 1] = '\0';
	return buf;
small:
	fprintf(stderr, "ofld_test_lcores: %zu bytes are too few for the "
		"CPU list\n", len);
	return NULL;
}
