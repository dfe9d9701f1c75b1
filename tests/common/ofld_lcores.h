/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_LCORES_H
#define OFLD_LCORES_H

/*
 * Where a test process's lcores run: the one place C test programs get
 * their EAL lcore option from (tests/common/ofld_lcores.py is its twin
 * for the Python tests and for test commands in meson.build). The policy
 * is in docs/reliability.md, "Test reliability": every lcore floats over
 * every CPU the process may run on, so that the kernel can put two suites
 * that meson runs at once on different cores, and the threads a test
 * starts (they inherit the main lcore's CPU set) next to it; nothing is
 * pinned to core 0.
 */

#include <stddef.h>

/**
 * Write into @p buf the EAL option "--lcores=0@(CPUS)" (one lcore) or
 * "--lcores=(0-N-1)@(CPUS)" (@p nb_lcores lcores), CPUS being the CPUs of
 * this process's affinity mask.
 * @return buf, or NULL (affinity unreadable, or buf too small; says so
 *         on stderr).
 */
const char *ofld_test_lcores(char *buf, size_t len, unsigned int nb_lcores);

#endif /* OFLD_LCORES_H */
