/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_TCP_MODULES_H
#define OFLD_TCP_MODULES_H

/*
 * The entry points the TCP engine's modules offer each other, grouped by
 * the file that defines them (docs/design.md draws who calls whom). The
 * types they take are in ofld_tcp_var.h, which includes this file at its
 * end: a module includes ofld_tcp_var.h only.
 */

#ifndef OFLD_TCP_VAR_H
#error "include ofld_tcp_var.h, not ofld_tcp_modules.h"
#endif

/* ---- ofld_tcp_compl.c: trackers, completions, events ---- */
void otcp_compl_req_finish(struct ofld_tcp_engine *e, struct ofld_tcp_conn *c,
			   struct rte_mbuf *m, enum ofld_tcp_status status,
			   uint32_t acked);
void otcp_compl_event(struct ofld_tcp_conn *c, struct ofld_req_meta *ev,
		      enum ev_kind kind, enum ofld_tcp_status status);
void otcp_compl_put(struct ofld_tcp_engine *e, struct ofld_req_meta *ev);
void otcp_compl_flush(struct ofld_tcp_engine *e);
void otcp_compl_trk_init(struct req_trk *t);
void otcp_compl_trk_release(struct req_trk *t, uint32_t ahead);
bool otcp_compl_trk_ref(struct ofld_tcp_conn *c, struct req_trk *t);
void otcp_compl_forget_conn(struct ofld_tcp_engine *e, uint32_t idx);
void otcp_compl_engine_drain(struct ofld_tcp_engine *e, bool *leak);

/* ---- ofld_tcp_sendq.c: posted requests, the send list ---- */
void otcp_sendq_take_posted(struct ofld_tcp_conn *c);
int otcp_sendq_locate(struct ofld_tcp_conn *c, uint32_t seq,
		      struct rte_mbuf **req, uint32_t *off);
void otcp_sendq_ack(struct ofld_tcp_conn *c, uint32_t acked);
void otcp_sendq_fail_all(struct ofld_tcp_conn *c, enum ofld_tcp_status st);

/* ---- ofld_tcp_output.c: segments, ACKs, bursts, the ready list ---- */
void otcp_output(struct ofld_tcp_conn *c);
int otcp_output_segment(struct ofld_tcp_conn *c, uint32_t seq, uint8_t flags,
			struct rte_mbuf *req, uint32_t off, uint32_t len);
void otcp_output_ack(struct ofld_tcp_conn *c);
void otcp_output_challenge_ack(struct ofld_tcp_conn *c);
void otcp_output_window_probe(struct ofld_tcp_conn *c);
void otcp_output_rst(struct ofld_tcp_conn *c);
int otcp_output_tlp(struct ofld_tcp_conn *c);
void otcp_output_flush(struct ofld_tcp_engine *e);
/* Queue a frame for the wire; a full burst goes at once. */
static inline void
otcp_output_put(struct ofld_tcp_engine *e, struct rte_mbuf *m)
{
	e->out[e->nb_out++] = m;
	if (e->nb_out == OUT_BURST)
		otcp_output_flush(e);
}
void otcp_ready_add(struct ofld_tcp_conn *c);
struct ofld_tcp_conn *otcp_ready_take(struct ofld_tcp_engine *e);
void otcp_ready_remove(struct ofld_tcp_conn *c);

/* ---- ofld_tcp_input.c: parse, demux, acceptability, ACKs, window ---- */
/* (entry point: ofld_tcp_input() of ofld_tcp.h) */
void otcp_input_parse_opts(const uint8_t *o, uint32_t optlen,
			   struct seg_info *si);
void otcp_ack_at_burst_end(struct ofld_tcp_conn *c);

/* ---- ofld_tcp_reass.c: delivery, reassembly, the receive window ---- */
bool otcp_reass_data(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
		     const struct seg_info *si);
void otcp_reass_free(struct ofld_tcp_conn *c);
void otcp_reass_short(struct ofld_tcp_engine *e);
uint32_t otcp_rcv_window(struct ofld_tcp_conn *c);
bool otcp_rcv_window_update_due(const struct ofld_tcp_conn *c);

/* ---- ofld_tcp_sack.c: SACK blocks out, the send map, SACK in ---- */
int otcp_smap_engine_init(struct ofld_tcp_engine *e, uint32_t n);
void otcp_smap_free_all(struct ofld_tcp_conn *c);
int otcp_smap_sent(struct ofld_tcp_conn *c, uint32_t seq, uint32_t len,
		   bool fin);
void otcp_smap_acked(struct ofld_tcp_conn *c, uint32_t ack,
		     const struct seg_info *si);
struct otcp_sm *otcp_smap_find(struct ofld_tcp_conn *c, uint32_t seq);
void otcp_smap_mark_lost(struct ofld_tcp_conn *c, struct otcp_sm *m);
void otcp_smap_mark_all_lost(struct ofld_tcp_conn *c);
void otcp_smap_prior(struct ofld_tcp_conn *c, uint32_t una, uint32_t max);
void otcp_smap_mark_lost_head(struct ofld_tcp_conn *c, uint32_t len);
struct otcp_sm *otcp_smap_next_lost(struct ofld_tcp_conn *c);
bool otcp_sack_in(struct ofld_tcp_conn *c, const struct seg_info *si,
		  uint32_t *delivered);
void otcp_sack_note_rcvd(struct ofld_tcp_conn *c, uint32_t start,
			 uint32_t end);
void otcp_sack_note_dup(struct ofld_tcp_conn *c, uint32_t start,
			uint32_t end);
uint32_t otcp_sack_options(struct ofld_tcp_conn *c, uint8_t *opt,
			   uint32_t room);

/* ---- ofld_tcp_rack.c: RACK-TLP (RFC 8985) ---- */
void otcp_rack_update(struct ofld_tcp_conn *c, const struct otcp_sm *m,
		      const struct seg_info *si);
void otcp_rack_detect(struct ofld_tcp_conn *c);
void otcp_rack_dsack(struct ofld_tcp_conn *c);
void otcp_rack_recovery_done(struct ofld_tcp_conn *c);
bool otcp_rack_tlp_due(struct ofld_tcp_conn *c, uint64_t *at_us);

/* ---- ofld_tcp_loss.c: RTT, RTO, recovery, undo ---- */
void otcp_loss_rtt_sample(struct ofld_tcp_conn *c, uint32_t r_us);
void otcp_loss_arm_rto(struct ofld_tcp_conn *c);
void otcp_loss_timer_update(struct ofld_tcp_conn *c, bool restart_rto);
void otcp_loss_rto_fired(struct ofld_tcp_conn *c);
void otcp_loss_on_ack(struct ofld_tcp_conn *c, const struct seg_info *si,
		      uint32_t acked, uint32_t delivered, bool dup);
void otcp_loss_dsack(struct ofld_tcp_conn *c, bool in_episode,
		     uint32_t len);
uint32_t otcp_loss_send_allowance(const struct ofld_tcp_conn *c);
void otcp_loss_sent(struct ofld_tcp_conn *c, uint32_t len, bool rexmit);
uint32_t otcp_loss_user_timeout_us(const struct ofld_tcp_conn *c);
void otcp_loss_reo_timer(struct ofld_tcp_conn *c);

/* ---- ofld_tcp_log.c: loud drops ---- */
void otcp_log_drop(struct ofld_tcp_engine *e, const struct conn_key *k,
		   enum otcp_drop kind);

/* ---- ofld_tcp_timer.c: which timer fired, and what follows ---- */
void otcp_timer_scan(struct ofld_tcp_engine *e);
void otcp_timer_keepalive_arm(struct ofld_tcp_conn *c);
void otcp_timer_time_wait(struct ofld_tcp_conn *c);
void otcp_timer_enter_time_wait(struct ofld_tcp_conn *c);

/* ---- ofld_tcp_handshake.c: SYN, SYN-ACK, listeners, options ---- */
int otcp_listener_find(const struct ofld_tcp_engine *e,
		       const struct conn_key *k);
void otcp_handshake_syn_in(struct ofld_tcp_engine *e, struct rte_mbuf *m,
			   const struct seg_info *si,
			   const struct conn_key *k);
bool otcp_handshake_in(struct ofld_tcp_conn *c, const struct seg_info *si);
void otcp_handshake_timeout(struct ofld_tcp_conn *c);

/* ---- ofld_tcp_conn.c: the connection table and lifetime ---- */
struct ofld_tcp_conn *otcp_conn_new(struct ofld_tcp_engine *e,
				    const struct ofld_tcp_state *st);
void otcp_conn_apply_state(struct ofld_tcp_conn *c,
			   const struct ofld_tcp_state *st);
void otcp_conn_free(struct ofld_tcp_conn *c);
void otcp_conn_end(struct ofld_tcp_conn *c, enum ofld_tcp_status status);
void otcp_conn_closed(struct ofld_tcp_conn *c);
void otcp_conn_opts_from_open(struct ofld_tcp_conn *c,
			      const struct ofld_tcp_open *o);
void otcp_conn_query(const struct ofld_tcp_conn *c, struct ofld_tcp_state *st);

#endif /* OFLD_TCP_MODULES_H */
