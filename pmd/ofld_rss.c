/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Receive-side scaling (rule N2): which receive queue a frame reaches. A
 * pair port hashes like a NIC: Toeplitz over the IPv4/IPv6 addresses and
 * TCP/UDP ports (the hash types of rss_hf), a 40-byte key, a 128-entry
 * RETA; the sender applies the receiving port's set-up (ofld_pair.c
 * publishes it at that port's start). A lower port's own key and RETA are
 * read back from it. The same functions tell an active open which local
 * port makes the peer's segments reach the opening queue.
 *
 * ethdev's RSS operations (rss_hash_update/conf_get, reta_update/query)
 * change a stopped port only: connections are placed by the hash.
 */

#include <string.h>

#include <ethdev_driver.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "ofld_private.h"

/* The key of Microsoft's RSS verification suite, which most NICs (and
 * DPDK's drivers) start with.
 */
static const uint8_t default_key[OFLD_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define HF_V4_L4 (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP)
#define HF_V6_L4 (RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP)
/* types that hash a packet over its addresses only */
#define HF_V4_L3 (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | \
		  RTE_ETH_RSS_NONFRAG_IPV4_OTHER)
#define HF_V6_L3 (RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 | \
		  RTE_ETH_RSS_NONFRAG_IPV6_OTHER)

static void
rss_set_key(struct ofld_rss *r, const uint8_t *key, uint8_t len)
{
	memset(r->key, 0, sizeof(r->key));
	memcpy(r->key, key, len);
	r->key_len = len;
	rte_convert_rss_key((const uint32_t *)r->key, r->key_be,
			    sizeof(r->key));
}

/** The default RETA: entry i to queue i mod nb_rx, as NICs start. */
void
ofld_rss_reta_default(struct ofld_rss *r)
{
	for (uint16_t i = 0; i < r->reta_size; i++)
		r->reta[i] = r->nb_rx != 0 ? i % r->nb_rx : 0;
}

/**
 * The port's RSS from its configuration (dev_configure): hash types, key
 * (NULL: the default), the default RETA. @return 0 or -EINVAL (a key not
 * of OFLD_RSS_KEY_LEN bytes; logged).
 */
int
ofld_rss_configure(struct pmd_internals *pi)
{
	const struct rte_eth_conf *c = &pi->dev->data->dev_conf;
	const struct rte_eth_rss_conf *rc = &c->rx_adv_conf.rss_conf;
	struct ofld_rss *r = &pi->rss;

	if ((c->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) && rc->rss_key != NULL &&
	    rc->rss_key_len != OFLD_RSS_KEY_LEN) {
		OFLD_LOG(ERR, "%s: RSS key of %u bytes: the port takes %u",
			 pi->dev->data->name, rc->rss_key_len,
			 OFLD_RSS_KEY_LEN);
		return -EINVAL;
	}
	r->nb_rx = pi->dev->data->nb_rx_queues;
	r->hf = (c->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) ?
		rc->rss_hf & OFLD_RSS_OFFLOAD : 0;
	r->hash_to_mbuf = (c->rxmode.offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH) != 0;
	rss_set_key(r, rc->rss_key != NULL && r->hf != 0 ? rc->rss_key :
		    default_key, OFLD_RSS_KEY_LEN);
	r->reta_size = OFLD_RETA_SIZE;
	ofld_rss_reta_default(r);
	return 0;
}

/* Toeplitz over addresses (and ports when l4) in the order a NIC takes
 * them: source address, destination address, source port, destination
 * port. Addresses are bytes as on the wire; ports in host order.
 */
static uint32_t
rss_hash(const struct ofld_rss *r, bool v6, const uint8_t *src,
	 const uint8_t *dst, uint16_t sport, uint16_t dport, bool l4)
{
	uint32_t t[9];
	unsigned int i, w = v6 ? 4 : 1;
	uint32_t v;

	for (i = 0; i < w; i++) {
		memcpy(&v, src + 4 * i, 4);
		t[i] = rte_be_to_cpu_32(v);
		memcpy(&v, dst + 4 * i, 4);
		t[w + i] = rte_be_to_cpu_32(v);
	}
	t[2 * w] = (uint32_t)sport << 16 | dport;
	return rte_softrss_be(t, 2 * w + (l4 ? 1 : 0),
			      (const uint8_t *)r->key_be);
}

/* What the hash types say of a packet: 2 (addresses and ports), 1
 * (addresses), 0 (no hash).
 */
static inline int
rss_kind(uint64_t hf, bool v6, bool frag, uint8_t proto)
{
	const uint64_t l4 = v6 ? (proto == IPPROTO_TCP ?
				  RTE_ETH_RSS_NONFRAG_IPV6_TCP :
				  RTE_ETH_RSS_NONFRAG_IPV6_UDP) :
		(proto == IPPROTO_TCP ? RTE_ETH_RSS_NONFRAG_IPV4_TCP :
		 RTE_ETH_RSS_NONFRAG_IPV4_UDP);

	if (!frag && (proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
	    (hf & l4))
		return 2;
	return (hf & (v6 ? HF_V6_L3 : HF_V4_L3)) != 0;
}

/** The hash of a 4-tuple as a receiving port computes it; 0: none. */
uint32_t
ofld_rss_tuple_hash(const struct ofld_rss *r, bool v6, const uint8_t *src,
		    const uint8_t *dst, uint16_t sport, uint16_t dport,
		    uint8_t proto)
{
	int kind = rss_kind(r->hf, v6, false, proto);

	return kind == 0 ? 0 :
		rss_hash(r, v6, src, dst, sport, dport, kind == 2);
}

/**
 * The receive queue of this port that the peer's segments of connection
 * o with local port lport reach (hashed by this port's set-up).
 */
uint16_t
ofld_rss_conn_queue(const struct ofld_rss *r, const struct ofld_tcp_open *o,
		    uint16_t lport)
{
	uint32_t h;

	if (r->hf == 0 || r->nb_rx <= 1)
		return 0;
	h = ofld_rss_tuple_hash(r, o->ipv6, o->remote_ip, o->local_ip,
				o->remote_port, lport, IPPROTO_TCP);
	return r->reta[h & (r->reta_size - 1)];
}

/* The L3 header of a frame (one VLAN tag skipped), NULL if not IP or not
 * in the first segment; *v6 says which.
 */
static inline const uint8_t *
frame_l3(const struct rte_mbuf *m, bool *v6, uint32_t *off)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t o = RTE_ETHER_HDR_LEN;
	uint16_t type;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + 4))
		return NULL;
	type = (uint16_t)(p[12] << 8 | p[13]);
	if (type == RTE_ETHER_TYPE_VLAN) {
		type = (uint16_t)(p[16] << 8 | p[17]);
		o += RTE_VLAN_HLEN;
	}
	*v6 = type == RTE_ETHER_TYPE_IPV6;
	*off = o;
	if (type != RTE_ETHER_TYPE_IPV4 && !*v6)
		return NULL;
	if (m->data_len < o + (*v6 ? sizeof(struct rte_ipv6_hdr) :
			       sizeof(struct rte_ipv4_hdr)) + 4)
		return NULL;
	return p + o;
}

/**
 * The hash a receiving port with set-up r computes for a frame, and
 * whether it computes one at all (*hashed).
 */
uint32_t
ofld_rss_frame_hash(const struct ofld_rss *r, const struct rte_mbuf *m,
		    bool *hashed)
{
	const uint8_t *l3, *l4, *src, *dst;
	uint32_t off, l3len;
	bool v6, frag;
	uint8_t proto;
	int kind;

	*hashed = false;
	l3 = frame_l3(m, &v6, &off);
	if (l3 == NULL)
		return 0;
	if (v6) {
		const struct rte_ipv6_hdr *h = (const void *)l3;

		proto = h->proto;
		frag = proto == IPPROTO_FRAGMENT;
		l3len = sizeof(*h);
		src = l3 + offsetof(struct rte_ipv6_hdr, src_addr);
		dst = l3 + offsetof(struct rte_ipv6_hdr, dst_addr);
	} else {
		const struct rte_ipv4_hdr *h = (const void *)l3;

		proto = h->next_proto_id;
		frag = (h->fragment_offset &
			rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
					 RTE_IPV4_HDR_OFFSET_MASK)) != 0;
		l3len = (h->version_ihl & 0xf) * 4u;
		src = (const uint8_t *)&h->src_addr;
		dst = (const uint8_t *)&h->dst_addr;
	}
	kind = rss_kind(r->hf, v6, frag, proto);
	if (kind == 2 && m->data_len < off + l3len + 4)
		kind = 1;	/* ports not in the first segment */
	if (kind == 0)
		return 0;
	*hashed = true;
	l4 = l3 + l3len;
	return rss_hash(r, v6, src, dst, (uint16_t)(l4[0] << 8 | l4[1]),
			(uint16_t)(l4[2] << 8 | l4[3]), kind == 2);
}

/* ---- ethdev operations ----------------------------------------------- */

/* RSS changes wait for a stopped port: connections are placed by it. */
static int
rss_check_stopped(struct rte_eth_dev *dev)
{
	if (!dev->data->dev_started)
		return 0;
	OFLD_LOG(ERR, "%s: RSS set-up changes on a stopped port only (the "
		 "TCP engines' connections are placed by it)",
		 dev->data->name);
	return -EBUSY;
}

int
ofld_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *rc,
		 uint16_t reta_size)
{
	struct pmd_internals *pi = dev->data->dev_private;
	struct ofld_rss *r = &pi->rss;
	uint16_t i, g, b;
	int ret = rss_check_stopped(dev);

	if (ret != 0)
		return ret;
	if (pi->cable == OFLD_CABLE_LOWER)
		return rte_eth_dev_rss_reta_update(pi->lower_port, rc,
						   reta_size);
	if (reta_size != OFLD_RETA_SIZE)
		return -EINVAL;
	for (i = 0; i < reta_size; i++) {	/* all checked, then set */
		g = i / RTE_ETH_RETA_GROUP_SIZE;
		b = i % RTE_ETH_RETA_GROUP_SIZE;
		if ((rc[g].mask >> b & 1) && rc[g].reta[b] >= r->nb_rx)
			return -EINVAL;
	}
	for (i = 0; i < reta_size; i++) {
		g = i / RTE_ETH_RETA_GROUP_SIZE;
		b = i % RTE_ETH_RETA_GROUP_SIZE;
		if (rc[g].mask >> b & 1)
			r->reta[i] = rc[g].reta[b];
	}
	return 0;
}

int
ofld_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *rc,
		uint16_t reta_size)
{
	struct pmd_internals *pi = dev->data->dev_private;
	uint16_t i, g, b;

	if (pi->cable == OFLD_CABLE_LOWER)
		return rte_eth_dev_rss_reta_query(pi->lower_port, rc,
						  reta_size);
	if (reta_size != OFLD_RETA_SIZE)
		return -EINVAL;
	for (i = 0; i < reta_size; i++) {
		g = i / RTE_ETH_RETA_GROUP_SIZE;
		b = i % RTE_ETH_RETA_GROUP_SIZE;
		if (rc[g].mask >> b & 1)
			rc[g].reta[b] = pi->rss.reta[i];
	}
	return 0;
}

int
ofld_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	struct pmd_internals *pi = dev->data->dev_private;
	int ret = rss_check_stopped(dev);

	if (ret != 0)
		return ret;
	if (pi->cable == OFLD_CABLE_LOWER)
		return rte_eth_dev_rss_hash_update(pi->lower_port, rc);
	if ((rc->rss_hf & ~OFLD_RSS_OFFLOAD) != 0 ||
	    (rc->rss_key != NULL && rc->rss_key_len != OFLD_RSS_KEY_LEN))
		return -EINVAL;
	if (!(dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG)) {
		OFLD_LOG(ERR, "%s: RSS is off: configure the port with "
			 "mq_mode RTE_ETH_MQ_RX_RSS first", dev->data->name);
		return -ENOTSUP;
	}
	if (rc->rss_key != NULL)
		rss_set_key(&pi->rss, rc->rss_key, OFLD_RSS_KEY_LEN);
	pi->rss.hf = rc->rss_hf;
	return 0;
}

int
ofld_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	struct pmd_internals *pi = dev->data->dev_private;

	if (pi->cable == OFLD_CABLE_LOWER)
		return rte_eth_dev_rss_hash_conf_get(pi->lower_port, rc);
	if (rc->rss_key != NULL) {
		if (rc->rss_key_len < OFLD_RSS_KEY_LEN)
			return -EINVAL;
		memcpy(rc->rss_key, pi->rss.key, OFLD_RSS_KEY_LEN);
	}
	rc->rss_key_len = OFLD_RSS_KEY_LEN;
	rc->rss_hf = pi->rss.hf;
	return 0;
}

/* ---- the lower port's --------------------------------------------- */

/**
 * The lower port's RSS, read back at start: placement is known when it
 * has one receive queue, or gives its key, hash types and RETA (assumed
 * Toeplitz, as NICs do by default). Its hand-off entries are kept either
 * way (ofld_handoff.c): a lower port may hash otherwise than it says.
 */
void
ofld_rss_lower_sync(struct pmd_internals *pi)
{
	struct rte_eth_rss_reta_entry64 rc[OFLD_RETA_MAX /
					   RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_rss_conf conf;
	struct rte_eth_dev_info li;
	uint8_t key[OFLD_RSS_KEY_MAX];
	struct ofld_rss *r = &pi->rss;
	uint16_t i;

	r->nb_rx = pi->dev->data->nb_rx_queues;
	pi->rss_known = r->nb_rx <= 1;
	if (pi->rss_known || rte_eth_dev_info_get(pi->lower_port, &li) != 0 ||
	    li.reta_size == 0 || li.reta_size > OFLD_RETA_MAX ||
	    !rte_is_power_of_2(li.reta_size) || li.hash_key_size == 0 ||
	    li.hash_key_size > OFLD_RSS_KEY_MAX)
		return;
	memset(&conf, 0, sizeof(conf));
	conf.rss_key = key;
	conf.rss_key_len = sizeof(key);
	memset(rc, 0, sizeof(rc));
	for (i = 0; i < li.reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		rc[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_hash_conf_get(pi->lower_port, &conf) != 0 ||
	    conf.rss_hf == 0 ||
	    rte_eth_dev_rss_reta_query(pi->lower_port, rc, li.reta_size) != 0)
		return;
	rss_set_key(r, key, li.hash_key_size);
	r->hf = conf.rss_hf;
	r->reta_size = li.reta_size;
	for (i = 0; i < li.reta_size; i++)
		r->reta[i] = rc[i / RTE_ETH_RETA_GROUP_SIZE].reta[
			i % RTE_ETH_RETA_GROUP_SIZE];
	pi->rss_known = true;
}
