package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.MS;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.FIN;
import static io.multistack.wire.Tcp.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.TcpOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * When the engine acknowledges (RFC 1122 4.2.3.2, RFC 5681 4.2, RFC 9293 3.8.6.3): delayed
 * ACKs with the injected clock, every second full segment, at once for out-of-order data and
 * filled holes, one ACK per batch of segments received together, Linux-style quick ACKs at
 * the start, window updates only when the window opens significantly.
 */
class AckPolicyTest {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;
    static final String FULL = "f".repeat(1460); // a full segment of the plain settings (MSS 1460)

    static TcpScript.Seg full(TcpScript s, int index) {
        return s.data(R + 1 + 1460 * index, L + 1, FULL);
    }

    @Nested
    class DelayedAck {
        @Test
        void aLoneSegmentWaitsForTheConfiguredDelayOfTheInjectedClock() {
            TcpScript s = TcpScript.established(TcpScript.plain().withDelayedAckNanos(100 * MS));
            s.send(1000, s.data(R + 1, L + 1, "lone"));
            s.expectNothing(1099);
            s.expect(1100, s.seg(ACK).ack(R + 5));
            s.expectNothing(5000);
        }

        @Test
        void everySecondFullSegmentIsAcknowledgedAndTheOthersWait() {
            TcpScript s = TcpScript.established();
            s.send(10, full(s, 0));
            s.expectNothing(10);
            s.send(11, full(s, 1));
            s.expect(11, s.seg(ACK).ack(R + 1 + 2 * 1460));
            s.send(12, full(s, 2));
            s.expectNothing(12);
            s.send(13, full(s, 3));
            s.expect(13, s.seg(ACK).ack(R + 1 + 4 * 1460));
            s.send(14, full(s, 4));
            s.expectNothing(53);
            s.expect(54, s.seg(ACK).ack(R + 1 + 5 * 1460)); // the odd one: 40 ms after it arrived
        }

        @Test
        void smallSegmentsDoNotCountAsFullOnes() {
            TcpScript s = TcpScript.established();
            s.send(10, s.data(R + 1, L + 1, "ab"));
            s.send(11, s.data(R + 3, L + 1, "cd"));
            s.send(12, s.data(R + 5, L + 1, "ef"));
            s.expectNothing(49);
            s.expect(50, s.seg(ACK).ack(R + 7)); // one delayed ACK, timed from the first unacknowledged byte
        }

        @Test
        void anAnswerCarriesTheAck() {
            TcpScript s = TcpScript.established();
            s.send(10, s.data(R + 1, L + 1, "ping"));
            s.write("pong");
            s.expect(10, s.seg(ACK | PSH).ack(R + 5).payload("pong"));
            s.expectNothing(150); // no delayed ACK of "ping" follows (and "pong" is not due for retransmission yet)
        }
    }

    @Nested
    class AtOnce {
        @Test
        void outOfOrderSegmentsAreEachAcknowledgedAtOnceEvenInsideABatch() {
            // duplicate ACKs must not be merged: without SACK the peer counts them (RFC 5681 3.2)
            TcpScript s = TcpScript.established();
            s.sendTogether(10, full(s, 0), full(s, 2), full(s, 3), full(s, 4));
            s.expect(10, s.seg(ACK).ack(R + 1461), s.seg(ACK).ack(R + 1461), s.seg(ACK).ack(R + 1461));
        }

        @Test
        void theSegmentThatFillsTheHoleIsAcknowledgedAtOnce() {
            TcpScript s = TcpScript.established();
            s.send(10, full(s, 1));
            s.expect(10, s.seg(ACK).ack(R + 1));
            s.send(20, full(s, 0));
            s.expect(20, s.seg(ACK).ack(R + 1 + 2 * 1460));
        }

        @Test
        void aFinIsAcknowledgedAtTheEndOfItsBatchAndTheApplicationsFinRidesAlong() {
            // RFC 9293 3.6: the close in answer to the peer's FIN; one segment instead of ACK, then FIN
            TcpScript s = TcpScript.established();
            TcpConnection c = s.connection;
            c.handler(new ConnectionHandler() {
                @Override
                public void readable() {
                    if (c.isInputShutdown()) {
                        c.close(s.now);
                    }
                }
            });
            s.send(10, s.seg(FIN | ACK).seq(R + 1).ack(L + 1));
            s.expect(10, s.seg(FIN | ACK).seq(L + 1).ack(R + 2));
            assertThat(c.state()).isEqualTo(TcpState.LAST_ACK);
        }

        @Test
        void aFinIsAcknowledgedWithoutDelayWhenTheApplicationDoesNotClose() {
            TcpScript s = TcpScript.established();
            s.send(10, s.seg(FIN | ACK).seq(R + 1).ack(L + 1));
            s.expect(10, s.seg(ACK).ack(R + 2));
        }
    }

    @Nested
    class Batches {
        @Test
        void aBatchOfInOrderSegmentsGetsOneAck() {
            TcpScript s = TcpScript.established();
            s.sendTogether(10, full(s, 0), full(s, 1), full(s, 2), full(s, 3), full(s, 4), full(s, 5), full(s, 6));
            s.expect(10, s.seg(ACK).ack(R + 1 + 7 * 1460));
            assertThat(s.readAll()).hasSize(7 * 1460);
            s.expectNothing(1000);
        }

        @Test
        void aLongBatchIsAcknowledgedEvery64KiBAtMost() {
            TcpScript s = TcpScript.established(TcpScript.plain().withOptions(true, false, false));
            s.send(5, full(s, 0));
            s.expect(45, s.seg(ACK).ack(R + 1461)); // this ACK offers the scaled 256 KiB window
            TcpScript.Seg[] batch = new TcpScript.Seg[60];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = full(s, 1 + i);
            }
            s.sendTogether(50, batch);
            // 45 segments are the first 64 KiB (65,700 bytes); the rest at the batch's end
            s.expect(50, s.seg(ACK).ack(R + 1 + 46 * 1460), s.seg(ACK).ack(R + 1 + 61 * 1460));
        }

        @Test
        void aReaderInsideTheBatchDoesNotAddWindowUpdates() {
            TcpScript s = TcpScript.established();
            TcpConnection c = s.connection;
            c.handler(new ConnectionHandler() {
                @Override
                public void readable() {
                    s.readAll();
                }
            });
            s.sendTogether(10, full(s, 0), full(s, 1), full(s, 2), full(s, 3));
            s.expect(10, s.seg(ACK).ack(R + 1 + 4 * 1460).window(65535));
        }

        @Test
        void theAckOfABatchIsDueAtOnceForAnOwnerThatOnlyRunsTimers() {
            TcpScript s = TcpScript.established();
            s.advance(10);
            s.engine.receive(TcpScript.REMOTE_IP, TcpScript.LOCAL_IP, full(s, 0).build(), s.now);
            s.engine.receive(TcpScript.REMOTE_IP, TcpScript.LOCAL_IP, full(s, 1).build(), s.now);
            assertThat(s.output.take()).as("nothing before the batch ends").isEmpty();
            assertThat(s.engine.nextDeadline()).isEqualTo(s.now);
            s.engine.tick(s.now);
            assertThat(s.output.take()).hasSize(1);
            assertThat(s.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void anAckThatLeftWithDataIsNotSentAgainAtTheEndOfTheBatch() {
            TcpScript s = TcpScript.established();
            s.advance(10);
            s.engine.receive(TcpScript.REMOTE_IP, TcpScript.LOCAL_IP, full(s, 0).build(), s.now);
            s.engine.receive(TcpScript.REMOTE_IP, TcpScript.LOCAL_IP, full(s, 1).build(), s.now);
            s.write("answer");
            assertThat(s.engine.flushAcks(s.now)).isZero();
            s.expect(10, s.seg(ACK | PSH).ack(R + 1 + 2 * 1460).payload("answer"));
        }
    }

    @Nested
    class QuickAck {
        @Test
        void theFirstSegmentsOfAConnectionAreAcknowledgedWithoutDelay() {
            TcpScript s = TcpScript.established(TcpScript.plain().withQuickAcks(3));
            s.send(10, s.data(R + 1, L + 1, "a"));
            s.expect(10, s.seg(ACK).ack(R + 2));
            s.send(11, s.data(R + 2, L + 1, "b"));
            s.expect(11, s.seg(ACK).ack(R + 3));
            s.send(12, s.data(R + 3, L + 1, "c"));
            s.expect(12, s.seg(ACK).ack(R + 4));
            s.send(13, s.data(R + 4, L + 1, "d"));
            s.expectNothing(52);
            s.expect(53, s.seg(ACK).ack(R + 5)); // quick ACKs used up: the delayed ACK again
        }

        @Test
        void anIdlePeriodLongerThanTheRtoRestartsQuickAcks() {
            TcpScript s = TcpScript.established(TcpScript.plain().withQuickAcks(1));
            s.send(10, s.data(R + 1, L + 1, "a"));
            s.expect(10, s.seg(ACK).ack(R + 2));
            s.send(20, s.data(R + 2, L + 1, "b"));
            s.expect(60, s.seg(ACK).ack(R + 3));
            s.send(5000, s.data(R + 3, L + 1, "c")); // idle for seconds: the peer restarts slow start
            s.expect(5000, s.seg(ACK).ack(R + 4));
        }

        @Test
        void anInteractiveExchangeUsesTheDelayedAckSoAnswersCarryIt() {
            TcpScript s = TcpScript.established(TcpScript.plain().withQuickAcks(16));
            TcpConnection c = s.connection;
            c.handler(new ConnectionHandler() {
                @Override
                public void readable() {
                    if (s.readAll().equals("question")) {
                        s.write("answer"); // within the batch, as a server answers
                    }
                }
            });
            s.send(10, s.data(R + 1, L + 1, "a"));
            s.expect(10, s.seg(ACK).ack(R + 2)); // quick ACK
            s.send(20, s.data(R + 2, L + 1, "question"));
            s.expect(20, s.seg(ACK | PSH).ack(R + 10).payload("answer"));
            s.send(30, s.seg(ACK | PSH).seq(R + 10).ack(L + 7).payload("next"));
            s.expectNothing(30); // interactive now: the answer may come within the delay
            s.write("reply");
            s.expect(31, s.seg(ACK | PSH).ack(R + 14).payload("reply"));
        }
    }

    @Nested
    class QuickAckAndLateAnswers {
        @Test
        void anAnswerSoonAfterTheQuickAckAlsoMakesTheExchangeInteractive() {
            // a server that answers off the loop: the quick ACK already left, the answer follows within 40 ms
            TcpScript s = TcpScript.established(TcpScript.plain().withQuickAcks(16));
            s.send(10, s.data(R + 1, L + 1, "request"));
            s.expect(10, s.seg(ACK).ack(R + 8));
            s.advance(25);
            s.write("response");
            s.expect(25, s.seg(ACK | PSH).ack(R + 8).payload("response"));
            s.send(40, s.seg(ACK | PSH).seq(R + 8).ack(L + 9).payload("next"));
            s.expectNothing(40); // no pure ACK: the next answer may carry it
        }

        @Test
        void dataSentLongAfterTheLastSegmentIsNoAnswer() {
            TcpScript s = TcpScript.established(TcpScript.plain().withQuickAcks(16));
            s.send(10, s.data(R + 1, L + 1, "hello"));
            s.expect(10, s.seg(ACK).ack(R + 6));
            s.advance(500);
            s.write("unrelated");
            s.expect(500, s.seg(ACK | PSH).payload("unrelated"));
            s.send(510, s.seg(ACK | PSH).seq(R + 6).ack(L + 10).payload("more"));
            s.expect(510, s.seg(ACK).ack(R + 10)); // still in quick-ACK mode
        }
    }

    @Nested
    class WindowUpdates {
        @Test
        void aSlowReaderAnnouncesTheReopenedWindowOnceAtTheEndOfTheBatch() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(4380, 4096));
            s.send(10, full(s, 0));
            s.send(11, full(s, 1));
            s.expect(11, s.seg(ACK).ack(R + 2921).window(4380 - 2920));
            s.send(12, full(s, 2));
            s.expect(12, s.seg(ACK).ack(R + 4381).window(0));
            s.readAll();
            s.readAll();
            s.expect(12, s.seg(ACK).ack(R + 4381).window(4380));
        }

        @Test
        void readingALittleOfAFullBufferWaitsUntilTheWindowOpensByAnMss() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(4380, 4096));
            s.send(10, full(s, 0));
            s.send(11, full(s, 1));
            s.send(12, full(s, 2));
            s.output.take();
            s.connection.read(100).release();
            s.expectNothing(12); // RFC 9293 3.8.6.2.2: 100 bytes are not worth announcing
            s.connection.read(1400).release();
            s.expect(12, s.seg(ACK).ack(R + 4381).window(1500));
        }

        @Test
        void aReaderThatKeepsUpNeedsNoPureWindowUpdates() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(64 * 1460, 4096));
            s.send(10, full(s, 0));
            assertThat(s.readAll()).hasSize(1460);
            s.expectNothing(10); // plenty of window left: the delayed ACK will carry the new edge
            s.expect(50, s.seg(ACK).ack(R + 1461).options(TcpOptions.NONE));
        }
    }
}
