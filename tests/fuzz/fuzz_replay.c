/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * main() of a harness built without libFuzzer: runs every file given, and
 * every file of every directory given (dot files skipped), through
 * LLVMFuzzerTestOneInput() once, as libFuzzer runs one input. An
 * invariant that breaks aborts, as under libFuzzer. The regression suite
 * replays the seed corpus and tests/fuzz/regress/<harness>/ this way.
 *
 *   fuzz_tx FILE|DIR...           replay
 *   fuzz_tx --make-seeds DIR      write the seed corpus into DIR
 */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long nb_inputs;

static int
run_file(const char *path)
{
	uint8_t *buf = NULL;
	long len;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* exactly len bytes, as libFuzzer hands them: overreads show */
	buf = malloc(len != 0 ? (size_t)len : 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "replay %s (%ld bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	nb_inputs++;
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory, in name order (runs repeat exactly). */
static int
run_dir(const char *dir)
{
	char **names = NULL, path[4096];
	size_t n = 0, i;
	struct dirent *d;
	int ret = 0;
	DIR *dp;

	dp = opendir(dir);
	if (dp == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		char **nn;

		if (d->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL) {
			ret = -1;
			break;
		}
		names = nn;
		names[n++] = strdup(d->d_name);
	}
	closedir(dp);
	if (n != 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ret == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(path) != 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, ret = 0;

	if (LLVMFuzzerInitialize(&argc, &argv) != 0)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--make-seeds") == 0)
		return fuzz_make_seeds(argv[2]) == 0 ? 0 : 1;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR... | --make-seeds DIR\n",
			argv[0]);
		return 2;
	}
	for (i = 1; i < argc && ret == 0; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			ret = -1;
		} else if (S_ISDIR(st.st_mode)) {
			ret = run_dir(argv[i]);
		} else {
			ret = run_file(argv[i]);
		}
	}
	printf("%s: %lu input(s) replayed, every invariant held\n", argv[0],
	       nb_inputs);
	return ret == 0 ? 0 : 1;
}
