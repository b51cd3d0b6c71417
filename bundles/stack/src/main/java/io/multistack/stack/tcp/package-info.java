/**
 * TCP for one tenant (RFC 9293), single-threaded and clock-free: every entry point of
 * {@link io.multistack.stack.tcp.TcpEngine} receives {@code now}; timers are deadlines the
 * owner's loop waits for ({@code nextDeadline()}, {@code tick(now)}).
 *
 * <h2>Files</h2>
 * {@code TcpEngine} (demux by 4-tuple and listener, RST for closed ports, budget, challenge
 * ACK limit) · {@code TcpListener} (backlog, SYN cookies via {@code SynCookies}) ·
 * {@code TcpConnection} (API, segment arrival, close states, timers) · {@code Handshake}
 * (SYN/SYN-ACK, simultaneous open, options) · {@code Sender} (segmentation, Nagle, ACK
 * processing, RTO, persist) · {@code LossRecovery} (NewReno, RFC 6675 with
 * {@code SackScoreboard}) · {@code Receiver} (window, SACK blocks) with {@code DelayedAck}
 * (when to acknowledge), {@code ReceiveBufferTuning}, {@code ReceiveQueue} and {@code OutOfOrderQueue} · {@code PendingAcks}
 * (ACKs owed at the end of a batch) · {@code SendQueue} · {@code RttEstimator}
 * · {@code CongestionControl} ({@code NewReno}, {@code Cubic}) with {@code CwndUsage} · {@code IsnGenerator} ·
 * {@code MemoryBudget} · {@code TcpConnectionSnapshot}. Wire formats: {@code io.multistack.wire.Tcp}
 * and {@code TcpOptions}.
 *
 * <h2>Implemented</h2>
 * All states incl. simultaneous open, simultaneous close and half-close; MSS option (536
 * when absent), clamped to the device MTU and lowered by path MTU changes; window scaling
 * (shift at SYN time for the largest buffer auto-tuning may reach), timestamps with RTTM and PAWS (RFC 7323);
 * SACK blocks (RFC 2018) and SACK-based loss recovery (RFC 6675); NewReno (RFC 5681/6582,
 * byte counting L=2) and CUBIC (RFC 9438, default; fast convergence, Reno-friendly region),
 * both growing only while the window is fully used (RFC 7661, as Linux's tcp_is_cwnd_limited)
 * and saturating at 1 GiB; receive-buffer auto-tuning (dynamic right-sizing as Linux's
 * tcp_rcv_space_adjust, up to 4 MiB within the tenant budget; SO_RCVBUF fixes the size);
 * RTO per RFC 6298 (Karn, exponential back-off, 200 ms min, 60 s max); delayed ACK (40 ms,
 * every second full segment; at once for out-of-order data, duplicates and filled holes);
 * one ACK per batch of received segments for everything else that wants an ACK now (every
 * second segment, FIN, a closing window, window updates, the handshake's last ACK), sent by
 * {@code flushAcks} when the owner ends the batch, so data or a FIN the application sends
 * in the meantime carries it (a long batch still gets an ACK per 64 KiB, like Linux's GRO); Linux-style quick ACKs (the first 16 segments and after an
 * idle RTO, unless the exchange is interactive); window updates after reads only when the
 * window opens by an MSS and at least doubles; Nagle with Minshall's refinement and
 * TCP_NODELAY (turning it on pushes what was held); sender and receiver SWS
 * avoidance, never shrinking the offered window; persist timer with zero-window probes;
 * keep-alive; TIME-WAIT for 2·MSL (MSL a setting) with RFC 6191 reuse by newer SYNs and RFC
 * 1337 (RST ignored); RFC 5961 (challenge ACKs for in-window RSTs and any SYN, ACK range
 * checks, per-engine rate limit); ISNs per RFC 6528 (SipHash-2-4 keyed from the caller's
 * random source + 4 µs clock); listen backlog with SYN cookies (window scale and SACK survive
 * in the timestamp, as on Linux); bounded out-of-order queue, whose payloads are copies
 * (a slice would pin a whole 64 KiB receive chunk), and an in-order queue that copies its
 * slices once the chunks they keep alive outgrow the bytes it holds (as Linux's truesize and
 * tcp_collapse); RST for segments to no
 * socket; a per-tenant memory budget over send and receive queues (in-window data is never
 * dropped for it; each connection keeps 8 KiB per direction so an echo cannot deadlock).
 * Linux compatibility details found by the interop tests: empty segments carry Linux's
 * acceptable sequence number and are accepted up to and including our window edge; invalid
 * cookie ACKs are dropped (not reset) while cookies are in use.
 *
 * <h2>Not implemented (yet)</h2>
 * ECN (RFC 3168: our SYN-ACK never agrees to it); TCP Fast Open (data on SYN is ignored and
 * re-sent by the peer); urgent data (URG is ignored, the bytes are ordinary data); D-SACK
 * generation and RACK-TLP (a lost retransmission waits for the RTO); HyStart in CUBIC;
 * PAWS's 24-day idle rule and tolerance of reordered pure ACKs (they are dropped as PAWS
 * failures, which only costs an old duplicate ACK); MD5/AO signatures; SYN retransmission
 * count per listener (one {@code synRetries} setting); IPv6.
 */
package io.multistack.stack.tcp;
