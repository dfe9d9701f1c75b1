/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf's command line: the usage text, the options after "--" and
 * the checks between them. Owns nothing once the options are read.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_opts.h"
#include "perf.h"

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "Large sends on offloaded TCP connections across two net_ofld\n"
	       "ports on the in-memory pair cable, or between net_ofld on\n"
	       "net_tap and the Linux kernel (--peer kernel).\n\n"
	       "  --peer P         pair (default): two net_ofld ports cabled\n"
	       "                   in memory; kernel: the net_ofld port of the\n"
	       "                   EAL options stacked on net_tap, e.g. --vdev\n"
	       "                   net_tap0,iface=ofldtap0 --vdev\n"
	       "                   net_ofld0,lower=net_tap0,"
	       APP_KTAP_OFLD_ADDRS "\n"
	       "                   (its addresses: ARP/ND), and the kernel's\n"
	       "                   sockets (apps/ofld-perf/kernel-peer.py) as\n"
	       "                   the other end\n"
	       "  --direction D    with --peer kernel: send (default, ofld\n"
	       "                   connects to a kernel sink on "
	       APP_KTAP_KERNEL_IP4 ":%u)\n"
	       "                   or recv (ofld listens on " APP_KTAP_OFLD_IP4
	       ":%u,\n"
	       "                   kernel sockets send)\n"
	       "  --req-size B     bytes per send request (default 262144)\n"
	       "  --conns N        connections (default 4)\n"
	       "  --seconds S      run time (default 5)\n"
	       "  --bytes B        stop after B bytes in all (default: none)\n"
	       "  --speed M        link speed in Mbit/s, 0 = unpaced "
	       "(default 100000)\n"
	       "  --mtu M          MTU, 576..9000 (default 1500)\n"
	       "  --ipv6           IPv6 instead of IPv4\n"
	       "  --lro            the ports with LRO: unpaced, the engine\n"
	       "                   sends TSO bursts the receiver takes whole\n"
	       "                   (a NIC pair with TSO and LRO)\n"
	       "  --cc NAME        newreno or cubic (default newreno)\n"
	       "  --engine MODE    inline or service (default inline)\n"
	       "  --depth N        requests outstanding per connection "
	       "(default 4)\n"
	       "  --queues N       queue pairs per port, 1..16 (default 1):\n"
	       "                   RSS spreads the connections; with 2 x N\n"
	       "                   lcores (-l) each queue of each port has\n"
	       "                   its own, else each port's lcore polls its\n"
	       "                   queues in turn\n"
	       "  --placement P    with --queues: placed (default: local\n"
	       "                   ports chosen so the peer's segments reach\n"
	       "                   the connection's queue) or fixed (ports\n"
	       "                   10000 + i: segments landing elsewhere are\n"
	       "                   handed to their queue; always with\n"
	       "                   --peer kernel, whose tap picks queues by\n"
	       "                   its own flow hash)\n"
	       "  --rcv-wnd B      receive window each end advertises "
	       "(default 4194304;\n"
	       "                   the window in flight per connection is at\n"
	       "                   most this and --depth x --req-size)\n"
	       "The pair cable (device arguments of both net_ofld ports):\n"
	       "  --delay US       one-way delay in microseconds, after the\n"
	       "                   pacer (default 0; RTT = 2 x US + queueing)\n"
	       "  --tx-free WHERE  sender or receiver: which end frees the\n"
	       "                   frames a TCP engine received (default\n"
	       "                   sender, as a NIC frees what it sent)\n"
	       "  --loss P         probability 0..1 a frame is lost (default 0)\n"
	       "  --ack-loss P     the same for frames the receiving port sends\n"
	       "                   (its ACKs; default: --loss). --ack-loss 0:\n"
	       "                   only data segments are lost\n"
	       "  --reorder P      probability a frame is held back behind the\n"
	       "                   next one (default 0)\n"
	       "  --dup P          probability a frame is delivered twice "
	       "(default 0)\n"
	       "  --seed N         seed of the faults (default 0)\n"
	       "Output:\n"
	       "  --json           summary as JSON on stdout\n"
	       "  --quiet          no progress lines\n"
	       "  --help           this text\n"
	       "With --peer kernel, the link speed is net_ofld's device\n"
	       "argument (speed=; unpaced without it) and --seconds/--bytes\n"
	       "of recv are the kernel source's: ofld-perf receives until\n"
	       "every connection is closed by the kernel; --delay, --loss,\n"
	       "--reorder, --dup and --seed are the pair cable's (give faults\n"
	       "to net_ofld as device arguments instead).\n", prog, SERVER_PORT,
	       SERVER_PORT);
}

static int
num(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	return app_opt_u64("ofld-perf", opt, s, min, max, v);
}

/* --seconds S: a number in (0, 3600]. */
static int
secs(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !(*v > 0 && *v <= 3600)) {
		fprintf(stderr, "ofld-perf: --seconds %s: expected "
			"a number in (0, 3600]\n", s);
		return -1;
	}
	return 0;
}

/* --NAME P: a probability, 0..1. */
static int
prob(const char *opt, const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !(*v >= 0 && *v <= 1)) {
		fprintf(stderr, "ofld-perf: --%s %s: expected a probability "
			"in [0, 1]\n", opt, s);
		return -1;
	}
	return 0;
}

/* --NAME S, one of two words: *second says whether it is b. */
static int
choice(const char *opt, const char *s, const char *a, const char *b,
       bool *second)
{
	if (strcmp(s, a) == 0) {
		*second = false;
	} else if (strcmp(s, b) == 0) {
		*second = true;
	} else {
		fprintf(stderr, "ofld-perf: --%s %s: expected %s or %s\n",
			opt, s, a, b);
		return -1;
	}
	return 0;
}

/* The options with a number. */
static int
opt_num(int ch, const char *arg, struct opts *o)
{
	uint64_t v;

	switch (ch) {
	case 'r':
		if (num("req-size", arg, 1, 64u << 20, &v))
			return -1;
		o->req_size = (uint32_t)v;
		break;
	case 'n':
		if (num("conns", arg, 1, 100000, &v))
			return -1;
		o->conns = (uint32_t)v;
		break;
	case 's':
		return secs(arg, &o->seconds);
	case 'b':
		if (num("bytes", arg, 1, UINT64_MAX, &v))
			return -1;
		o->total_bytes = v;
		break;
	case 'p':
		if (num("speed", arg, 0, 400000, &v))
			return -1;
		o->speed = (uint32_t)v;
		o->speed_set = true;
		break;
	case 'm':
		if (num("mtu", arg, 576, 9000, &v))
			return -1;
		o->mtu = (uint16_t)v;
		break;
	case 'd':
		if (num("depth", arg, 1, 1024, &v))
			return -1;
		o->depth = (uint32_t)v;
		break;
	case 'Q':
		if (num("queues", arg, 1, 16, &v))
			return -1;
		o->queues = (uint16_t)v;
		break;
	}
	return 0;
}

/* The pair cable's options, and the receive window. */
static int
opt_cable(int ch, const char *arg, struct opts *o)
{
	uint64_t v;

	switch (ch) {
	case 'L':
		o->cable_set = true;
		return prob("loss", arg, &o->loss);
	case 'A':
		o->cable_set = true;
		return prob("ack-loss", arg, &o->ack_loss);
	case 'R':
		o->cable_set = true;
		return prob("reorder", arg, &o->reorder);
	case 'U':
		o->cable_set = true;
		return prob("dup", arg, &o->dup);
	case 'y':
		o->cable_set = true;
		if (num("delay", arg, 0, 1000000, &v))
			return -1;
		o->delay_us = (uint32_t)v;
		break;
	case 'S':
		o->cable_set = true;
		return num("seed", arg, 0, UINT64_MAX, &o->seed);
	case 'w':
		if (num("rcv-wnd", arg, 4096, 65535u << 14, &v))
			return -1;
		o->rcv_wnd = (uint32_t)v;
		break;
	}
	return 0;
}

/* The options with a word, and the flags. */
static int
opt_word(int ch, const char *arg, struct opts *o, bool *dir_set)
{
	bool b;

	switch (ch) {
	case 'c':
		if (choice("cc", arg, "newreno", "cubic", &b))
			return -1;
		o->cc = b ? OFLD_TCP_CC_CUBIC : OFLD_TCP_CC_NEWRENO;
		break;
	case 'e':
		return choice("engine", arg, "inline", "service", &o->service);
	case 'F':
		return choice("tx-free", arg, "sender", "receiver",
			      &o->tx_free_receiver);
	case 'P':
		return choice("peer", arg, "pair", "kernel", &o->kernel);
	case 'T':
		return choice("placement", arg, "placed", "fixed",
			      &o->fixed_ports);
	case 'D':
		*dir_set = true;
		return choice("direction", arg, "send", "recv", &o->recv);
	case '6':
		o->ipv6 = true;
		break;
	case 'g':
		o->lro = true;
		break;
	case 'j':
		o->json = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	}
	return 0;
}

/* What one option allows another. */
static int
check(const struct opts *o, bool dir_set)
{
	if (!o->kernel && dir_set) {
		fprintf(stderr, "ofld-perf: --direction needs --peer kernel (on "
			"the pair cable ofld is both ends)\n");
		return -1;
	}
	if (o->kernel && o->speed_set) {
		fprintf(stderr, "ofld-perf: --speed: with --peer kernel the link "
			"speed is net_ofld's device argument, e.g. --vdev "
			"net_ofld0,lower=net_tap0,speed=1000\n");
		return -1;
	}
	if (o->kernel && o->cable_set) {
		fprintf(stderr, "ofld-perf: --delay, --loss, --reorder, --dup "
			"and --seed are the pair cable's; with --peer kernel "
			"give faults as net_ofld's device arguments, e.g. --vdev "
			"net_ofld0,lower=net_tap0,loss=0.01,seed=7 (a delay line "
			"needs the pair cable)\n");
		return -1;
	}
	if (o->lro && o->kernel) {
		fprintf(stderr, "ofld-perf: --lro is the pair cable's (with "
			"--peer kernel the kernel's GRO receives)\n");
		return -1;
	}
	if (o->kernel && o->mtu > 1500) {
		fprintf(stderr, "ofld-perf: --mtu %u: net_tap takes frames of "
			"at most 1522 bytes (MTU 1500)\n", o->mtu);
		return -1;
	}
	if (o->kernel && o->conns > 50000) {
		fprintf(stderr, "ofld-perf: --conns %u: with --peer kernel the "
			"connections use ports 10000 and up (at most 50000)\n",
			o->conns);
		return -1;
	}
	return 0;
}

/* With a delay, say so when the connections cannot keep the link's
 * bandwidth-delay product in flight (not an error: a window-bound run is
 * a run too).
 */
static void
window_note(const struct opts *o)
{
	uint64_t bdp = (uint64_t)o->speed * o->delay_us / 4; /* x 2 / 8 */
	uint64_t per = RTE_MIN((uint64_t)o->rcv_wnd,
			       (uint64_t)o->depth * o->req_size);

	if (o->kernel || bdp == 0 || per * o->conns >= bdp)
		return;
	fprintf(stderr, "ofld-perf: note: %u connection(s) x %" PRIu64 " B "
		"(the least of --rcv-wnd and --depth x --req-size) in flight "
		"is less than the link's bandwidth-delay product, %u Mbit/s x "
		"2 x %u us = %" PRIu64 " B: goodput is window-bound\n",
		o->conns, per, o->speed, o->delay_us, bdp);
}

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "req-size", required_argument, NULL, 'r' },
		{ "conns", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "speed", required_argument, NULL, 'p' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "lro", no_argument, NULL, 'g' },
		{ "cc", required_argument, NULL, 'c' },
		{ "engine", required_argument, NULL, 'e' },
		{ "tx-free", required_argument, NULL, 'F' },
		{ "depth", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "peer", required_argument, NULL, 'P' },
		{ "direction", required_argument, NULL, 'D' },
		{ "loss", required_argument, NULL, 'L' },
		{ "ack-loss", required_argument, NULL, 'A' },
		{ "reorder", required_argument, NULL, 'R' },
		{ "dup", required_argument, NULL, 'U' },
		{ "delay", required_argument, NULL, 'y' },
		{ "seed", required_argument, NULL, 'S' },
		{ "rcv-wnd", required_argument, NULL, 'w' },
		{ "queues", required_argument, NULL, 'Q' },
		{ "placement", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool dir_set = false;
	int ch, ret;

	*o = (struct opts){ .req_size = 256 * 1024, .conns = 4, .seconds = 5,
			    .speed = 100000, .mtu = 1500, .depth = 4,
			    .rcv_wnd = 4u << 20, .ack_loss = -1, .queues = 1 };
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'r': case 'n': case 's': case 'b': case 'p': case 'm':
		case 'd': case 'Q':
			ret = opt_num(ch, optarg, o);
			break;
		case 'c': case 'e': case 'F': case 'P': case 'D': case '6': case 'j':
		case 'q': case 'T': case 'g':
			ret = opt_word(ch, optarg, o, &dir_set);
			break;
		case 'L': case 'A': case 'R': case 'U': case 'y': case 'S':
		case 'w':
			ret = opt_cable(ch, optarg, o);
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		default:
			usage(argv[0]);
			return -1;
		}
		if (ret != 0)
			return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "ofld-perf: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (check(o, dir_set) != 0)
		return -1;
	/* with the kernel the tap's hash is its own: ports 10000 + i, and
	 * segments landing elsewhere go through the hand-off
	 */
	if (o->kernel && o->queues > 1)
		o->fixed_ports = true;
	window_note(o);
	return 0;
}

/* The options after "--" (a bad one stops us before EAL does anything);
 * *eal_argc: how many arguments before them are EAL's. Returns 0 to go
 * on, 1 when the usage text was asked for (and printed), -1 on a bad
 * option.
 */
int
opts_get(int argc, char **argv, struct opts *o, int *eal_argc)
{
	int app_argc, k;
	char **app_argv;

	for (k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
		;
	*eal_argc = k;
	app_argc = k < argc ? argc - k : 1;
	app_argv = k < argc ? argv + k : argv;
	if (k < argc)
		app_argv[0] = argv[0];
	else if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			      strcmp(argv[1], "-h") == 0)) {
		usage(argv[0]);
		return 1;
	}
	return parse(app_argc, app_argv, o) != 0 ? -1 : 0;
}
