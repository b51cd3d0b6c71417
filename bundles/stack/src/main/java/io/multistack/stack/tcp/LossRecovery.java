package io.multistack.stack.tcp;

/**
 * Fast retransmit and fast recovery: NewReno (RFC 6582) when the peer does not SACK, the
 * conservative SACK-based recovery of RFC 6675 (IsLost, SetPipe, NextSeg) when it does.
 * After a retransmission timeout everything is reset and the sender goes back N.
 */
final class LossRecovery {
    private final TcpConnection c;
    private final Sender s;
    final SackScoreboard scoreboard = new SackScoreboard();
    boolean inRecovery;
    int recoveryPoint; // RFC 6582 "recover" / RFC 6675 RecoveryPoint
    int dupAcks;
    private int highRxt; // RFC 6675 HighRxt

    LossRecovery(TcpConnection c, Sender s, int iss) {
        this.c = c;
        this.s = s;
        this.recoveryPoint = iss;
        this.highRxt = iss;
    }

    /** Records SACK blocks of an ACK; true if something new was SACKed. */
    boolean sack(int[] blocks) {
        return c.sack && blocks.length > 0 && scoreboard.update(blocks, s.sndUna, s.sndMax);
    }

    /** SND.UNA advanced (already applied to the sender). */
    void advancingAck(int ack, int dataAcked, int flightBefore, boolean sackChanged, long now) {
        scoreboard.advance(s.sndUna);
        if (inRecovery) {
            if (Seq.ge(ack, recoveryPoint)) {
                inRecovery = false;
                dupAcks = 0;
                s.cc.onRecoveryExit(now);
            } else if (!c.sack) {
                // RFC 6582 partial ACK: retransmit the next hole, deflate by what was acked
                s.cc.cwnd(s.cc.cwnd() - dataAcked + s.mss());
                retransmitFirst(now);
            }
            return;
        }
        dupAcks = 0;
        if (dataAcked > 0 && s.cwndUsage.allowsGrowth(s.cc.cwnd(), s.cc.ssthresh())) {
            s.cc.onAck(dataAcked, flightBefore, now, s.rtt.srtt());
        }
        if (c.sack && sackChanged && lossAtUna()) {
            enter(now); // RFC 6675 5: SND.UNA is lost even though this ACK advanced
        }
    }

    /** A duplicate ACK (RFC 5681 definition). */
    void duplicateAck(long now) {
        dupAcks++;
        if (inRecovery) {
            if (!c.sack) {
                s.cc.cwnd(s.cc.cwnd() + s.mss()); // RFC 6582 3.2 step 4: inflate
            }
            return;
        }
        if (dupAcks >= SackScoreboard.DUP_THRESH || (c.sack && lossAtUna())) {
            enter(now);
        }
    }

    private boolean lossAtUna() {
        // Seq.ge(..., recoveryPoint): no second reduction for losses of the same window (RFC 6582 3.2 step 2)
        return Seq.ge(s.sndUna, recoveryPoint) && Seq.gt(scoreboard.lossBoundary(s.sndUna, s.mss()), s.sndUna);
    }

    private void enter(long now) {
        if (!Seq.ge(s.sndUna, recoveryPoint)) {
            return;
        }
        inRecovery = true;
        recoveryPoint = s.sndMax;
        s.cc.onCongestionEvent(s.sndMax - s.sndUna, now);
        c.engine.count("tcp.fast-retransmit");
        if (!c.sack) {
            s.cc.cwnd(s.cc.ssthresh() + SackScoreboard.DUP_THRESH * s.mss());
        }
        highRxt = s.sndUna;
        retransmitFirst(now);
    }

    /** Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK). */
    private void retransmitFirst(long now) {
        int una = s.sndUna;
        int end = s.dataEnd();
        int length = Math.min(s.payloadLimit(), Seq.max(0, end - una));
        if (c.sack) {
            length = Math.min(length, scoreboard.nextSackedStart(una, end) - una);
        }
        if (length > 0) {
            s.sendData(una, length, now);
        } else if (s.finQueued() && !s.finAcked()) {
            s.sendData(una, 0, now);
        } else {
            return;
        }
        s.retransmitted(una, Math.max(1, length));
        highRxt = Seq.max(highRxt, una + length);
        c.armRetransmit(now + s.rtt.rto());
    }

    /** After a retransmission timeout: forget everything (RFC 2018 8: SACK information is not trusted). */
    void timeout() {
        inRecovery = false;
        dupAcks = 0;
        scoreboard.clear();
        recoveryPoint = s.sndMax;
        highRxt = s.sndUna;
    }

    /** The path MTU shrank: what was SACKed was sized for the old MTU. */
    void pathChanged() {
        scoreboard.clear();
    }

    boolean sackRecovery() {
        return c.sack && inRecovery;
    }

    /** RFC 6675 5: while pipe < cwnd, NextSeg (rule 1: lost holes; rule 2: new data). */
    void output(long now) {
        for (int guard = 0; guard < 10_000; guard++) {
            int boundary = scoreboard.lossBoundary(s.sndUna, s.mss());
            int pipe = pipe(boundary);
            if (s.cc.cwnd() - pipe < Math.min(s.mss(), s.cc.cwnd())) {
                return;
            }
            int next = Seq.max(highRxt, s.sndUna);
            for (int skipped = scoreboard.skipSacked(next); skipped != next; skipped = scoreboard.skipSacked(next)) {
                next = skipped;
            }
            if (Seq.lt(next, boundary) && Seq.lt(next, s.dataEnd())) {
                int length = Math.min(s.payloadLimit(), scoreboard.nextSackedStart(next, boundary) - next);
                length = Math.min(length, s.dataEnd() - next);
                s.sendData(next, length, now);
                highRxt = next + length;
                s.retransmitted(next, length);
                continue;
            }
            s.sndNxt = s.sndMax;
            int before = s.sndNxt;
            s.sendNext(now, pipe);
            if (s.sndNxt == before) {
                return;
            }
        }
    }

    /** RFC 6675 SetPipe: unSACKed bytes in flight, minus those deemed lost and not yet retransmitted. */
    private int pipe(int boundary) {
        int outstanding = scoreboard.unsackedBetween(s.sndUna, s.sndMax);
        int lostFrom = Seq.max(highRxt, s.sndUna);
        int lostNotRetransmitted = Seq.lt(lostFrom, boundary) ? scoreboard.unsackedBetween(lostFrom, boundary) : 0;
        return outstanding - lostNotRetransmitted;
    }
}
