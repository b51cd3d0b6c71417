package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.MS;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/**
 * Receive-buffer auto-tuning (dynamic right-sizing): a peer that always fills the window we
 * offer, 10 ms of RTT, a reader that reads everything at once or only a little per RTT.
 */
class ReceiveBufferTuningTest {
    static final int RTT_MS = 10;
    static final int SEGMENT = 1448;

    /** The peer: sends what our last ACK allows, one window per RTT, echoing that ACK's timestamp. */
    static final class WindowFillingPeer {
        final TcpScript s;
        int seq = REMOTE_SEQ + 1;
        int windowEnd;
        int echo;
        long t;
        int lastRoundBytes;

        WindowFillingPeer(TcpSettings settings) {
            s = TcpScript.established(settings);
            windowEnd = seq + 65535; // our SYN-ACK's window (never scaled)
        }

        /** Takes the ACKs we sent: the latest window and timestamp. */
        void readAcks() {
            for (TcpScript.Sent sent : s.output.take()) {
                Tcp h = sent.tcp();
                int end = h.ack() + (h.window() << s.connection.snapshot(s.now).receiveWindowScale());
                if (Seq.gt(end, windowEnd)) {
                    windowEnd = end;
                }
                echo = h.options().tsVal();
            }
        }

        /** One RTT: the window's worth of data arrives in one batch; the reader takes {@code readLimit}. */
        void round(int readLimit) {
            t += RTT_MS;
            s.advance(t);
            readAcks();
            lastRoundBytes = 0;
            while (Seq.gt(windowEnd, seq)) {
                int n = Math.min(SEGMENT, windowEnd - seq);
                ByteBuf segment = s.seg(ACK).seq(seq).ack(LOCAL_SEQ + 1).window(65535)
                        .options(TcpOptions.NONE.withTimestamp(100 + (int) t, echo)).payload(new byte[n]).build();
                s.engine.receive(REMOTE_IP, LOCAL_IP, segment, s.now);
                seq += n;
                lastRoundBytes += n;
            }
            int left = readLimit;
            ByteBuf data;
            while (left > 0 && (data = s.connection.read(left)) != null) {
                left -= data.readableBytes();
                data.release();
            }
            s.engine.flushAcks(s.now);
            readAcks();
        }
    }

    @Test
    void aReaderThatKeepsUpGrowsTheBufferAndTheWindowToTheMaximum() {
        WindowFillingPeer peer = new WindowFillingPeer(TcpSettings.defaults());
        assertThat(peer.s.connection.receiveBufferSize()).isEqualTo(256 * 1024);
        for (int i = 0; i < 6; i++) {
            peer.round(Integer.MAX_VALUE);
        }
        assertThat(peer.s.connection.receiveBufferSize()).isEqualTo(4 << 20);
        // one RTT now carries ~4 MiB instead of 256 KiB: 400 MB/s at 10 ms instead of 26
        assertThat(peer.lastRoundBytes).isGreaterThan(4_000_000);
        assertThat(peer.s.engine.drops()).isEmpty();
    }

    @Test
    void aSlowReaderKeepsTheInitialBuffer() {
        WindowFillingPeer peer = new WindowFillingPeer(TcpSettings.defaults());
        for (int i = 0; i < 10; i++) {
            peer.round(64 * 1024); // a quarter of the buffer per RTT: the window is not what limits
        }
        assertThat(peer.s.connection.receiveBufferSize()).isEqualTo(256 * 1024);
    }

    @Test
    void aSizeChosenByTheApplicationIsKept() {
        WindowFillingPeer peer = new WindowFillingPeer(TcpSettings.defaults());
        peer.s.connection.receiveBufferSize(256 * 1024, peer.s.now);
        for (int i = 0; i < 6; i++) {
            peer.round(Integer.MAX_VALUE);
        }
        assertThat(peer.s.connection.receiveBufferSize()).isEqualTo(256 * 1024);
    }

    @Test
    void growthStopsAtTheTenantMemoryBudget() {
        WindowFillingPeer peer = new WindowFillingPeer(TcpSettings.defaults().withMemoryBudget(1 << 20));
        for (int i = 0; i < 6; i++) {
            peer.round(Integer.MAX_VALUE);
        }
        assertThat(peer.s.connection.receiveBufferSize()).isBetween(256 * 1024 + 1, 1 << 20);
    }

    @Test
    void theGrowthRuleFollowsLinux() {
        ReceiveBufferTuning tuning = new ReceiveBufferTuning(100_000);
        assertThat(tuning.afterRead(50_000, 0, 10 * MS, 200_000, 1000, 4 << 20)).as("starts measuring").isEqualTo(200_000);
        assertThat(tuning.afterRead(50_000, 5 * MS, 10 * MS, 200_000, 1000, 4 << 20)).as("within the RTT").isEqualTo(200_000);
        // 150 000 bytes in the RTT > 100 000: 2 * 150 000 + 16 * 1000 = 316 000, plus twice the growth
        // 316 000 * 50 000 / 100 000 = 158 000
        assertThat(tuning.afterRead(50_000, 10 * MS, 10 * MS, 200_000, 1000, 4 << 20)).isEqualTo(632_000);
        assertThat(tuning.afterRead(10_000, 20 * MS, 10 * MS, 632_000, 1000, 4 << 20)).as("less than before")
                .isEqualTo(632_000);
    }
}
