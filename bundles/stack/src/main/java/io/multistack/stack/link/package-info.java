/**
 * Taps on a tenant's link: fault injection and packet capture, wrapped around the device
 * (egress) and in front of the hand-off to the tenant's loop (ingress).
 *
 * <p>What is there: per-direction drop, duplicate, reorder (hold one frame until after the
 * next, at most 10 ms), corrupt (one byte past the Ethernet header) and a fixed delay, all
 * drawn from one seed; counters of what was injected; a classic pcap file per capture,
 * written by its own thread from a bounded queue.
 *
 * <p>What is not (to set expectations right): no jitter or delay distributions, no
 * correlated or burst loss (Gilbert-Elliott), no rate limiting or queueing; captures have no
 * filter expression, no pcapng, no ring files, a fixed snap length of 65535 bytes, one at a
 * time per tenant, at most 1 GiB; records lost because the writer fell behind are counted
 * but reported only in the capture's {@code toString()}.
 */
package io.multistack.stack.link;
