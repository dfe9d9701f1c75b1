/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_mbuf_dyn.h>

#include "ofld_req.h"

int ofld_req_offset = -1;

int
ofld_req_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "ofld_dynfield_send_request",
		.size = sizeof(struct ofld_req_meta),
		.align = __alignof__(struct ofld_req_meta),
	};
	int off = rte_mbuf_dynfield_register(&desc);

	if (off < 0)
		return -rte_errno;
	ofld_req_offset = off;
	return 0;
}
