/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf: what the machine took from the lcores during a run. A
 * busy-polling lcore that the kernel preempts leaves the pair cable's
 * wire idle for as long as it waits; the time each thread of this process
 * spent runnable but waiting for its CPU is the second field of
 * /proc/self/task/TID/schedstat. The lcores are the threads that ran the
 * most, as many as EAL has lcores (main, receiver, service or queue
 * lcores alike, without asking EAL for thread ids). A kernel without
 * schedstat leaves the figures unknown.
 */

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

/* Run and run-queue wait of one task, in ns; -1 when unreadable. */
static int
task_read(const char *tid, uint64_t *run_ns, uint64_t *wait_ns)
{
	char path[320];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fscanf(f, "%" SCNu64 " %" SCNu64, run_ns, wait_ns);
	fclose(f);
	return n == 2 ? 0 : -1;
}

void
steal_snap(struct steal_snap *s)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	s->n = 0;
	s->ok = dir != NULL;
	while (dir != NULL && (d = readdir(dir)) != NULL &&
	       s->n < STEAL_TASKS_MAX) {
		struct steal_task *t = &s->t[s->n];

		if (d->d_name[0] == '.')
			continue;
		if (task_read(d->d_name, &t->run_ns, &t->wait_ns) != 0) {
			s->ok = false;
			break;
		}
		t->tid = atoi(d->d_name);
		s->n++;
	}
	if (dir != NULL)
		closedir(dir);
	s->ns = rte_get_tsc_cycles() * 1e9 / rte_get_tsc_hz();
}

/* From a (start) to b (end): the n threads that ran the most (the
 * lcores: they poll; EAL's other threads sleep) and how long they waited.
 */
void
steal_result(const struct steal_snap *a, const struct steal_snap *b,
	     unsigned int n, struct steal *r)
{
	double span = b->ns - a->ns, ran[STEAL_TASKS_MAX], wait[STEAL_TASKS_MAX];
	int i, j, k, m = 0;

	memset(r, 0, sizeof(*r));
	r->known = a->ok && b->ok && span > 0;
	for (i = 0; r->known && i < b->n; i++) {
		for (j = 0; j < a->n && a->t[j].tid != b->t[i].tid; j++)
			;
		if (j == a->n)
			continue;	/* started during the run */
		/* insertion by run time, most first */
		for (k = m++; k > 0 && ran[k - 1] < b->t[i].run_ns -
		     (double)a->t[j].run_ns; k--) {
			ran[k] = ran[k - 1];
			wait[k] = wait[k - 1];
		}
		ran[k] = b->t[i].run_ns - (double)a->t[j].run_ns;
		wait[k] = b->t[i].wait_ns - (double)a->t[j].wait_ns;
	}
	for (k = 0; r->known && k < m && r->lcores < n; k++) {
		r->lcores++;
		r->wait_ms += wait[k] / 1e6;
	}
	r->pct = r->known ? 100 * r->wait_ms * 1e6 / span : 0;
}
