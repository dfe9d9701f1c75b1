/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The conformance scripts' syntax (issue 13; tests/conformance/README.md
 * is its reference): a file of lines into struct scr_line, every error
 * reported as file:line before anything runs. Values that depend on the
 * run (set-up keys) are kept as key=value words for script_exec.c.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_tcp.h>

#include "tcp_script.h"

static const char *const ev_names[] = {
	[OFLD_TCP_EV_SEND_DONE] = "SEND_DONE",
	[OFLD_TCP_EV_RECV] = "RECV",
	[OFLD_TCP_EV_CLOSED] = "CLOSED",
	[OFLD_TCP_EV_PEER_FIN] = "PEER_FIN",
	[OFLD_TCP_EV_CONNECTED] = "CONNECTED",
	[OFLD_TCP_EV_ACCEPTED] = "ACCEPTED",
};

static const char *const st_names[] = {
	[OFLD_TCP_SUCCESS] = "SUCCESS",
	[OFLD_TCP_ABORTED_BY_PEER] = "ABORTED_BY_PEER",
	[OFLD_TCP_ABORTED_LOCALLY] = "ABORTED_LOCALLY",
	[OFLD_TCP_UPLOADED] = "UPLOADED",
	[OFLD_TCP_TIMED_OUT] = "TIMED_OUT",
	[OFLD_TCP_PEER_DEAD] = "PEER_DEAD",
	[OFLD_TCP_UNREACHABLE] = "UNREACHABLE",
};

const char *
scr_event_name(int kind)
{
	if (kind < 0 || kind >= (int)RTE_DIM(ev_names) || !ev_names[kind])
		return "?";
	return ev_names[kind];
}

const char *
scr_status_name(int status)
{
	if (status < 0 || status >= (int)RTE_DIM(st_names))
		return "?";
	return st_names[status];
}

static int
name_index(const char *const *names, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* The parser's cursor over one line. */
struct pcur {
	const char *file;
	int lineno;
	char *p;		/* next character */
	char tok[256];
};

static int
perr(struct pcur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
perr(struct pcur *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", c->file, c->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* The next whitespace-separated word into c->tok; false at the end. */
static bool
next_tok(struct pcur *c)
{
	size_t n = 0;

	while (isspace((unsigned char)*c->p))
		c->p++;
	if (*c->p == '\0')
		return false;
	while (*c->p != '\0' && !isspace((unsigned char)*c->p) &&
	       n + 1 < sizeof(c->tok))
		c->tok[n++] = *c->p++;
	c->tok[n] = '\0';
	return true;
}

/* A word into a field of its own size: too long is an error. */
static int
copy_word(struct pcur *c, char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return perr(c, "'%s': longer than %zu characters", src,
			    size - 1);
	memcpy(dst, src, n + 1);
	return 0;
}

/* A number (decimal or 0x), or `*` when wild is allowed. */
static int
parse_u64(const char *s, uint64_t *v, bool *wild)
{
	char *end;

	if (wild != NULL)
		*wild = false;
	if (strcmp(s, "*") == 0 && wild != NULL) {
		*wild = true;
		*v = 0;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

static int
parse_u32(const char *s, uint32_t *v, bool *wild)
{
	uint64_t x;

	if (parse_u64(s, &x, wild) != 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* Seconds ("0.100") into microseconds. */
static int
parse_secs(const char *s, int64_t *us)
{
	char *end;
	double d;

	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return -1;
	d = strtod(s, &end);
	if (*end != '\0' || d < 0 || d > 1e6)
		return -1;
	*us = (int64_t)(d * 1e6 + 0.5);
	return 0;
}

/* The time column, if this word is one. */
static bool
parse_time(const char *t, struct scr_line *l)
{
	if (*t == '~') {
		l->after = true;
		t++;
	}
	if (strcmp(t, "*") == 0) {
		l->rel = true;
		l->t_us = 0;
	} else if (*t == '+') {
		l->rel = true;
		if (parse_secs(t + 1, &l->t_us) != 0)
			return false;
	} else if (parse_secs(t, &l->t_us) != 0) {
		return false;
	}
	l->has_time = true;
	return true;
}

static int
parse_flags(struct pcur *c, const char *s, uint8_t *flags)
{
	*flags = 0;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case 'S': *flags |= RTE_TCP_SYN_FLAG; break;
		case '.': *flags |= RTE_TCP_ACK_FLAG; break;
		case 'F': *flags |= RTE_TCP_FIN_FLAG; break;
		case 'R': *flags |= RTE_TCP_RST_FLAG; break;
		case 'P': *flags |= RTE_TCP_PSH_FLAG; break;
		case 'U': *flags |= RTE_TCP_URG_FLAG; break;
		case 'E': *flags |= RTE_TCP_ECE_FLAG; break;
		case 'W': *flags |= RTE_TCP_CWR_FLAG; break;
		default:
			return perr(c, "unknown flag '%c' in '%s'", *s, s);
		}
	}
	return 0;
}

/* "seq:end(len)", relative; end - seq must be len. */
static int
parse_seqspec(struct pcur *c, const char *s, struct scr_seg *g)
{
	unsigned long long a, b, n;
	int used = 0;

	if (sscanf(s, "%llu:%llu(%llu)%n", &a, &b, &n, &used) != 3 ||
	    s[used] != '\0' || a > UINT32_MAX || b > UINT32_MAX ||
	    n > UINT32_MAX)
		return perr(c, "want seq:end(len), got '%s'", s);
	if ((uint32_t)(b - a) != (uint32_t)n)
		return perr(c, "'%s': end - seq is not len", s);
	g->seq = (uint32_t)a;
	g->end = (uint32_t)b;
	g->len = (uint32_t)n;
	return 0;
}

/* One option: "mss 1460", "TS val * ecr 5", "sack 1:101 201:301"... */
static int
parse_opt(struct pcur *c, char *item, struct scr_opt *o)
{
	char *w[12];
	int n = 0, i;

	for (char *t = strtok(item, " \t"); t != NULL && n < 12;
	     t = strtok(NULL, " \t"))
		w[n++] = t;
	if (n == 0)
		return perr(c, "empty option");
	memset(o, 0, sizeof(*o));
	if (strcmp(w[0], "nop") == 0 && n == 1) {
		o->kind = SO_NOP;
	} else if (strcmp(w[0], "eol") == 0 && n == 1) {
		o->kind = SO_EOL;
	} else if (strcmp(w[0], "sackOK") == 0 && n == 1) {
		o->kind = SO_SACKOK;
	} else if ((strcmp(w[0], "mss") == 0 || strcmp(w[0], "wscale") == 0)
		   && n == 2) {
		o->kind = w[0][0] == 'm' ? SO_MSS : SO_WSCALE;
		if (parse_u32(w[1], &o->a, &o->wild_a) != 0)
			return perr(c, "bad %s value '%s'", w[0], w[1]);
	} else if (strcmp(w[0], "TS") == 0 && n == 5 &&
		   strcmp(w[1], "val") == 0 && strcmp(w[3], "ecr") == 0) {
		o->kind = SO_TS;
		if (parse_u32(w[2], &o->a, &o->wild_a) != 0 ||
		    parse_u32(w[4], &o->b, &o->wild_b) != 0)
			return perr(c, "bad TS values");
	} else if (strcmp(w[0], "sack") == 0 && n >= 2 && n <= 5) {
		o->kind = SO_SACK;
		for (i = 1; i < n; i++) {
			unsigned long long a, b;
			int used = 0;

			if (sscanf(w[i], "%llu:%llu%n", &a, &b, &used) != 2 ||
			    w[i][used] != '\0')
				return perr(c, "bad SACK block '%s'", w[i]);
			o->blk[i - 1][0] = (uint32_t)a;
			o->blk[i - 1][1] = (uint32_t)b;
		}
		o->nblocks = (uint8_t)(n - 1);
	} else {
		return perr(c, "unknown option '%s'", w[0]);
	}
	return 0;
}

/* "<item,item,...>" from the cursor to the line's last '>'. */
static int
parse_opts(struct pcur *c, struct scr_seg *g)
{
	char *open = strchr(c->p, '<'), *close = strrchr(c->p, '>');
	char *item, *save = NULL;

	if (open == NULL || close == NULL || close < open)
		return perr(c, "options: want <...>");
	*close = '\0';
	g->has_opts = true;
	for (item = strtok_r(open + 1, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		if (g->nopts == SCR_MAX_OPTS)
			return perr(c, "too many options");
		if (parse_opt(c, item, &g->opts[g->nopts++]) != 0)
			return -1;
	}
	c->p = close + 1;
	return 0;
}

/* "FLAGS seq:end(len) [ack N] [win N] [<options>]" */
static int
parse_seg(struct pcur *c, struct scr_line *l)
{
	struct scr_seg *g = &l->seg;

	if (!next_tok(c) || parse_flags(c, c->tok, &g->flags) != 0)
		return perr(c, "want flags (S . F R P)");
	if (!next_tok(c) || parse_seqspec(c, c->tok, g) != 0)
		return -1;
	for (;;) {
		while (isspace((unsigned char)*c->p))
			c->p++;
		if (*c->p == '<')
			return parse_opts(c, g);
		if (!next_tok(c))
			return 0;
		if (strcmp(c->tok, "ack") == 0 && next_tok(c) &&
		    parse_u32(c->tok, &g->ack, NULL) == 0)
			g->has_ack = true;
		else if (strcmp(c->tok, "win") == 0 && next_tok(c) &&
			 parse_u32(c->tok, &g->win, NULL) == 0 &&
			 g->win <= 65535)
			g->has_win = true;
		else
			return perr(c, "unexpected '%s'", c->tok);
	}
}

static int
parse_ret(struct pcur *c, struct scr_line *l)
{
	static const struct { const char *n; int v; } errs[] = {
		{ "-EINVAL", -EINVAL }, { "-EPIPE", -EPIPE },
		{ "-EBUSY", -EBUSY }, { "-ENOENT", -ENOENT },
		{ "-EEXIST", -EEXIST }, { "-ENOSPC", -ENOSPC }, { "0", 0 },
	};
	unsigned int i;

	if (!next_tok(c))
		return perr(c, "'->' wants a value");
	for (i = 0; i < RTE_DIM(errs); i++)
		if (strcmp(c->tok, errs[i].n) == 0) {
			l->has_ret = true;
			l->ret = errs[i].v;
			return next_tok(c) ? perr(c, "unexpected '%s'", c->tok)
				: 0;
		}
	return perr(c, "unknown return value '%s'", c->tok);
}

/* Words after the keyword: sizes, key=value pairs, or nothing. */
static int
parse_words(struct pcur *c, struct scr_line *l)
{
	struct scr_kv *kv;
	char *eq;

	while (next_tok(c)) {
		if (strcmp(c->tok, "->") == 0)
			return parse_ret(c, l);
		if (l->kind == LK_SEND) {
			if (l->nsizes == SCR_MAX_SIZES ||
			    parse_u32(c->tok, &l->sizes[l->nsizes], NULL) != 0 ||
			    l->sizes[l->nsizes] == 0)
				return perr(c, "send: bad size '%s'", c->tok);
			l->nsizes++;
			continue;
		}
		if (l->kind == LK_CLOSE || l->kind == LK_ABORT ||
		    l->kind == LK_TERMINATE || l->kind == LK_RELEASE)
			return perr(c, "unexpected '%s'", c->tok);
		if (l->nkv == SCR_MAX_KV)
			return perr(c, "too many words");
		eq = strchr(c->tok, '=');
		if (eq != NULL)
			*eq = '\0';
		kv = &l->kv[l->nkv++];
		if (copy_word(c, kv->key, sizeof(kv->key), c->tok) != 0 ||
		    copy_word(c, kv->val, sizeof(kv->val), eq ? eq + 1 : "")
		    != 0)
			return -1;
	}
	if (l->kind == LK_SEND && l->nsizes == 0)
		return perr(c, "send: want sizes");
	return 0;
}

static int
parse_cmp(struct pcur *c, struct scr_line *l)
{
	static const char *const ops[] = {
		[CMP_EQ] = "==", [CMP_NE] = "!=", [CMP_GE] = ">=",
		[CMP_LE] = "<=", [CMP_GT] = ">", [CMP_LT] = "<",
	};
	int i;

	if (!next_tok(c))
		return perr(c, "want a field name");
	if (copy_word(c, l->name, sizeof(l->name), c->tok) != 0)
		return -1;
	if (!next_tok(c) || (i = name_index(ops, RTE_DIM(ops), c->tok)) < 0)
		return perr(c, "want == != >= <= > <");
	l->cmp = (enum scr_cmp)i;
	if (!next_tok(c) || parse_u64(c->tok, &l->value, NULL) != 0)
		return perr(c, "want a number");
	return next_tok(c) ? perr(c, "unexpected '%s'", c->tok) : 0;
}

/* "setopt NAME VALUE [-> RET]" */
static int
parse_setopt(struct pcur *c, struct scr_line *l)
{
	if (!next_tok(c) || copy_word(c, l->name, sizeof(l->name), c->tok)
	    != 0)
		return perr(c, "setopt: want an option name");
	if (!next_tok(c) || parse_u64(c->tok, &l->value, NULL) != 0 ||
	    l->value > UINT32_MAX)
		return perr(c, "setopt: want a value");
	if (!next_tok(c))
		return 0;
	if (strcmp(c->tok, "->") != 0)
		return perr(c, "unexpected '%s'", c->tok);
	return parse_ret(c, l);
}

/* "event KIND [status=NAME] [bytes=N]" */
static int
parse_event(struct pcur *c, struct scr_line *l)
{
	l->ev_status = -1;
	if (!next_tok(c) || (l->ev_kind = name_index(ev_names,
			RTE_DIM(ev_names), c->tok)) < 0)
		return perr(c, "unknown event kind");
	while (next_tok(c)) {
		if (strncmp(c->tok, "status=", 7) == 0) {
			l->ev_status = name_index(st_names, RTE_DIM(st_names),
						  c->tok + 7);
			if (l->ev_status < 0)
				return perr(c, "unknown status '%s'", c->tok);
		} else if (strncmp(c->tok, "bytes=", 6) == 0 &&
			   parse_u64(c->tok + 6, &l->value, NULL) == 0) {
			l->has_bytes = true;
		} else {
			return perr(c, "unexpected '%s'", c->tok);
		}
	}
	if (l->ev_kind == OFLD_TCP_EV_RECV) {
		if (!l->has_bytes)
			return perr(c, "event RECV wants bytes=N");
		l->kind = LK_RECV;	/* the same as `recv N` */
	}
	return 0;
}

static const struct {
	const char *word;
	enum scr_kind kind;
} keywords[] = {
	{ "engine", LK_ENGINE }, { "tolerance", LK_TOLERANCE },
	{ "step", LK_STEP }, { "peer_isn", LK_PEER_ISN },
	{ "connect", LK_CONNECT }, { "listen", LK_LISTEN },
	{ "offload", LK_OFFLOAD }, { "<", LK_IN }, { ">", LK_OUT },
	{ "send", LK_SEND }, { "close", LK_CLOSE }, { "abort", LK_ABORT },
	{ "terminate", LK_TERMINATE }, { "release", LK_RELEASE },
	{ "event", LK_EVENT }, { "recv", LK_RECV }, { "state", LK_STATE },
	{ "stat", LK_STAT }, { "query", LK_QUERY },
	{ "setopt", LK_SETOPT }, { "hold", LK_HOLD }, { "take", LK_TAKE },
};

/* What follows the keyword, by kind. */
static int
parse_body(struct pcur *c, struct scr_line *l)
{
	int64_t us;

	switch (l->kind) {
	case LK_IN:
	case LK_OUT:
		if (parse_seg(c, l) != 0)
			return -1;
		if (l->kind == LK_IN && (l->seg.flags & RTE_TCP_ACK_FLAG) &&
		    !l->seg.has_ack)
			return perr(c, "an inbound ACK wants 'ack N'");
		return 0;
	case LK_TOLERANCE:
	case LK_STEP:
		if (!next_tok(c) || parse_secs(c->tok, &us) != 0 || us <= 0)
			return perr(c, "want seconds");
		l->value = (uint64_t)us;
		return next_tok(c) ? perr(c, "unexpected '%s'", c->tok) : 0;
	case LK_PEER_ISN:
	case LK_RECV:
		if (!next_tok(c) || parse_u64(c->tok, &l->value, NULL) != 0 ||
		    (l->kind == LK_PEER_ISN && l->value > UINT32_MAX))
			return perr(c, "want a number");
		return next_tok(c) ? perr(c, "unexpected '%s'", c->tok) : 0;
	case LK_EVENT:
		return parse_event(c, l);
	case LK_STATE:
		if (!next_tok(c))
			return perr(c, "want a state name");
		if (copy_word(c, l->name, sizeof(l->name), c->tok) != 0)
			return -1;
		return next_tok(c) ? perr(c, "unexpected '%s'", c->tok) : 0;
	case LK_STAT:
	case LK_QUERY:
		return parse_cmp(c, l);
	case LK_SETOPT:
		return parse_setopt(c, l);
	case LK_HOLD:
	case LK_TAKE:
		if (l->kind == LK_TAKE && next_tok(c) &&
		    (parse_u64(c->tok, &l->value, NULL) != 0 || l->value == 0))
			return perr(c, "take: want a count of events");
		return next_tok(c) ? perr(c, "unexpected '%s'", c->tok) : 0;
	default:
		return parse_words(c, l);
	}
}

static int
parse_line(struct pcur *c, struct scr_line *l)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->lineno = c->lineno;
	if (!next_tok(c))
		return 1;	/* blank */
	if (parse_time(c->tok, l) && !next_tok(c))
		return perr(c, "a time and nothing else");
	if (strcmp(c->tok, "old") == 0) {
		l->old = true;
		if (!next_tok(c))
			return perr(c, "'old' and nothing else");
	}
	for (i = 0; i < RTE_DIM(keywords); i++)
		if (strcmp(c->tok, keywords[i].word) == 0)
			break;
	if (i == RTE_DIM(keywords))
		return perr(c, "unknown keyword '%s'", c->tok);
	l->kind = keywords[i].kind;
	if (l->after && l->kind != LK_OUT)
		return perr(c, "'~' is for '>' lines");
	return parse_body(c, l);
}

int
scr_parse(const char *file, struct scr_script *s)
{
	struct pcur c = { .file = file };
	char buf[1024], *hash;
	FILE *f = fopen(file, "r");
	int ret = 0, r;

	memset(s, 0, sizeof(*s));
	s->file = file;
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return -1;
	}
	s->lines = calloc(SCR_MAX_LINES, sizeof(*s->lines));
	while (s->lines != NULL && fgets(buf, sizeof(buf), f) != NULL) {
		c.lineno++;
		hash = strchr(buf, '#');
		if (hash != NULL)
			*hash = '\0';
		c.p = buf;
		if (s->nlines == SCR_MAX_LINES) {
			ret = perr(&c, "too many lines");
			break;
		}
		r = parse_line(&c, &s->lines[s->nlines]);
		if (r < 0)
			ret = -1;
		else if (r == 0)
			s->nlines++;
	}
	fclose(f);
	if (s->lines == NULL)
		ret = -1;
	return ret;
}

void
scr_script_free(struct scr_script *s)
{
	free(s->lines);
	s->lines = NULL;
}
