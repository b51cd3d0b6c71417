package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.multistack.wire.Ipv4Address;
import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A packetdrill-like script kit (after smoltcp's TCP tests): the engine under test is
 * "local", the script plays the remote peer. Times are milliseconds of virtual time;
 * {@link #send}/{@link #expect} first advance the clock, firing every timer due on the way.
 * {@link #expect} asserts exactly the listed segments left, in order, and nothing more.
 */
final class TcpScript {
    static final int LOCAL_IP = Ipv4Address.parse("10.0.0.1");
    static final int REMOTE_IP = Ipv4Address.parse("10.0.0.2");
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 49500;
    /** Our ISN (fixed generator) and the remote peer's. */
    static final int LOCAL_SEQ = 1_000_000;
    static final int REMOTE_SEQ = 5_000_000;
    static final long MS = 1_000_000L;

    final Output output;
    final TcpEngine engine;
    final TcpSettings settings;
    long now;
    TcpListener listener;
    final List<TcpConnection> accepted = new ArrayList<>();
    TcpConnection connection;
    final Events events = new Events();
    int remoteSeqNext = REMOTE_SEQ + 1;

    TcpScript(TcpSettings settings) {
        this(settings, 1500);
    }

    TcpScript(TcpSettings settings, int mtu) {
        this.settings = settings;
        this.output = new Output(mtu);
        this.engine = new TcpEngine(settings, output, IsnGenerator.fixed(LOCAL_SEQ, new SplittableRandom(7)),
                ByteBufAllocator.DEFAULT);
    }

    /**
     * Settings without window scaling, timestamps and SACK: the plain RFC 9293 wire, with the
     * RFC 1122 delayed ACK from the first segment on (no quick-ACK mode, which has its own tests).
     */
    static TcpSettings plain() {
        return TcpSettings.defaults().withOptions(false, false, false).withCongestionControl(
                TcpSettings.CongestionAlgorithm.NEWRENO).withQuickAcks(0);
    }

    // ---------------------------------------------------------------- factories

    static TcpScript listening(TcpSettings settings) {
        TcpScript s = new TcpScript(settings);
        s.listen(8);
        return s;
    }

    TcpScript listen(int backlog) {
        listener = engine.listen(LOCAL_IP, LOCAL_PORT, backlog, c -> {
            accepted.add(c);
            connection = c;
            c.handler(events);
        });
        return this;
    }

    /** A passive connection in ESTABLISHED with plain options: SYN, SYN-ACK, ACK done at t=0. */
    static TcpScript established() {
        return established(plain());
    }

    static TcpScript established(TcpSettings settings) {
        TcpScript s = listening(settings);
        s.send(0, s.seg(Tcp.SYN).seq(REMOTE_SEQ).ack(0).window(65535).options(s.remoteSynOptions()));
        s.output.take();
        s.send(0, s.seg(Tcp.ACK).seq(REMOTE_SEQ + 1).ack(LOCAL_SEQ + 1).window(65535)
                .options(s.remoteOptions(0)));
        assertThat(s.connection).isNotNull();
        assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
        s.output.take();
        return s;
    }

    /** An active connection in SYN-SENT (our SYN taken). */
    static TcpScript synSent(TcpSettings settings) {
        TcpScript s = new TcpScript(settings);
        s.connection = s.engine.connect(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT, s.events, 0);
        s.output.take();
        return s;
    }

    /** Options the scripted peer puts in its SYN, following the settings (Linux-like values). */
    TcpOptions remoteSynOptions() {
        TcpOptions o = TcpOptions.NONE.withMss(1460);
        if (settings.windowScaling()) {
            o = o.withWindowScale(7);
        }
        if (settings.sack()) {
            o = o.withSackPermitted(true);
        }
        if (settings.timestamps()) {
            o = o.withTimestamp(100, 0);
        }
        return o;
    }

    /** Options of a non-SYN segment from the peer: timestamps when negotiated. */
    TcpOptions remoteOptions(int ecr) {
        return settings.timestamps() ? TcpOptions.NONE.withTimestamp(100 + (int) (now / MS), ecr) : TcpOptions.NONE;
    }

    // ---------------------------------------------------------------- segments

    Seg seg(int flags) {
        return new Seg(flags);
    }

    /** A data segment from the peer at {@code seq} acknowledging {@code ack}. */
    Seg data(int seq, int ack, String text) {
        return seg(Tcp.ACK | Tcp.PSH).seq(seq).ack(ack).window(65535).payload(text);
    }

    // ---------------------------------------------------------------- time and I/O

    /** Advances virtual time to {@code atMs}, running due timers. */
    void advance(long atMs) {
        long target = atMs * MS;
        assertThat(target).as("time goes forward").isGreaterThanOrEqualTo(now);
        for (int guard = 0; guard < 100_000; guard++) {
            long next = engine.nextDeadline();
            if (next > target) {
                break;
            }
            now = Math.max(now, next);
            engine.tick(now);
        }
        now = target;
    }

    /** Delivers one segment as a batch of its own (receive, then the end-of-batch ACKs), as a lone frame is. */
    boolean send(long atMs, Seg s) {
        advance(atMs);
        boolean taken = engine.receive(REMOTE_IP, LOCAL_IP, s.build(), now);
        engine.flushAcks(now);
        return taken;
    }

    /** Delivers segments as one batch (frames drained from the inbox together), then ends the batch. */
    void sendTogether(long atMs, Seg... segments) {
        advance(atMs);
        for (Seg s : segments) {
            engine.receive(REMOTE_IP, LOCAL_IP, s.build(), now);
        }
        engine.flushAcks(now);
    }

    /** Exactly these segments left the engine since the last expectation (timers up to {@code atMs} run). */
    void expect(long atMs, Seg... expected) {
        advance(atMs);
        List<Sent> actual = output.take();
        if (actual.size() != expected.length) {
            fail("at " + atMs + " ms expected " + expected.length + " segment(s) but got " + actual.size() + ":\n"
                    + describe(actual) + "expected:\n" + List.of(expected));
        }
        for (int i = 0; i < expected.length; i++) {
            String mismatch = expected[i].mismatch(actual.get(i));
            if (mismatch != null) {
                fail("at " + atMs + " ms segment " + i + ": " + mismatch + "\nactual:\n" + describe(actual)
                        + "expected: " + expected[i]);
            }
        }
    }

    void expectNothing(long atMs) {
        expect(atMs);
    }

    /** The one segment expected now, returned for further checks. */
    Sent expectOne(long atMs, Seg expected) {
        advance(atMs);
        List<Sent> actual = output.take();
        if (actual.size() != 1) {
            fail("at " + atMs + " ms expected one segment but got:\n" + describe(actual));
        }
        String mismatch = expected.mismatch(actual.get(0));
        if (mismatch != null) {
            fail(mismatch + "\nactual: " + actual.get(0));
        }
        return actual.get(0);
    }

    private static String describe(List<Sent> segments) {
        StringBuilder s = new StringBuilder();
        for (Sent sent : segments) {
            s.append("  ").append(sent).append('\n');
        }
        return s.toString();
    }

    /** Writes text on the connection and flushes. */
    int write(String text) {
        ByteBuf b = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        try {
            int n = connection.write(b, now);
            connection.flush(now);
            return n;
        } finally {
            b.release();
        }
    }

    int write(int bytes) {
        return write("x".repeat(bytes));
    }

    String readAll() {
        StringBuilder s = new StringBuilder();
        ByteBuf b;
        while ((b = connection.read(Integer.MAX_VALUE)) != null) {
            s.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- helpers

    /** A segment the engine sent. */
    record Sent(Tcp tcp, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.ISO_8859_1);
        }

        int seq() {
            return tcp.seq();
        }

        @Override
        public String toString() {
            return tcp + " len " + payload.length;
        }
    }

    /** Collects what the engine sends, verifying every checksum. */
    static final class Output implements TcpOutput {
        private final int mtu;
        final List<Sent> sent = new ArrayList<>();

        Output(int mtu) {
            this.mtu = mtu;
        }

        @Override
        public ByteBuf allocate(int tcpLength) {
            return Unpooled.buffer(tcpLength);
        }

        @Override
        public void send(int sourceIp, int destinationIp, ByteBuf segment, long now) {
            try {
                Tcp tcp = Tcp.parse(segment, sourceIp, destinationIp);
                byte[] payload = new byte[segment.readableBytes() - Tcp.headerLength(segment)];
                segment.getBytes(segment.readerIndex() + Tcp.headerLength(segment), payload);
                assertThat(sourceIp).isEqualTo(LOCAL_IP);
                sent.add(new Sent(tcp, payload));
            } catch (MalformedPacketException e) {
                fail("engine sent a malformed segment: " + e.reason());
            } finally {
                segment.release();
            }
        }

        @Override
        public int mtu() {
            return mtu;
        }

        List<Sent> take() {
            List<Sent> copy = List.copyOf(sent);
            sent.clear();
            return copy;
        }
    }

    /** Records handler callbacks. */
    static final class Events implements ConnectionHandler {
        int connected;
        int readable;
        int writable;
        int closed;
        Throwable cause;

        @Override
        public void connected() {
            connected++;
        }

        @Override
        public void readable() {
            readable++;
        }

        @Override
        public void writable() {
            writable++;
        }

        @Override
        public void closed(Throwable causeOrNull) {
            closed++;
            cause = causeOrNull;
        }
    }

    /**
     * A segment template: built into bytes for {@link #send}, or matched against what the
     * engine sent in {@link #expect}, where unset fields (null) match anything.
     */
    static final class Seg {
        final int flags;
        Integer seq;
        Integer ack;
        Integer window;
        TcpOptions options;
        byte[] payload;
        Integer length;
        int sourcePort = REMOTE_PORT;
        int destinationPort = LOCAL_PORT;

        Seg(int flags) {
            this.flags = flags;
        }

        Seg seq(int v) {
            seq = v;
            return this;
        }

        Seg ack(int v) {
            ack = v;
            return this;
        }

        Seg window(int v) {
            window = v;
            return this;
        }

        Seg options(TcpOptions v) {
            options = v;
            return this;
        }

        Seg payload(String text) {
            payload = text.getBytes(StandardCharsets.ISO_8859_1);
            return this;
        }

        Seg payload(byte[] bytes) {
            payload = bytes;
            return this;
        }

        /** Expect only the payload length. */
        Seg len(int v) {
            length = v;
            return this;
        }

        Seg ports(int source, int destination) {
            sourcePort = source;
            destinationPort = destination;
            return this;
        }

        ByteBuf build() {
            byte[] body = payload == null ? new byte[length == null ? 0 : length] : payload;
            Tcp tcp = new Tcp(sourcePort, destinationPort, seq == null ? 0 : seq, ack == null ? 0 : ack, flags,
                    window == null ? 65535 : window, 0, options);
            ByteBuf b = Unpooled.buffer(tcp.headerLength() + body.length);
            tcp.emit(b);
            b.writeBytes(body);
            Tcp.fillChecksum(b, 0, REMOTE_IP, LOCAL_IP);
            return b;
        }

        String mismatch(Sent s) {
            Tcp t = s.tcp();
            if (t.flags() != flags) {
                return "flags " + Tcp.flagString(t.flags()) + " != " + Tcp.flagString(flags);
            }
            if (t.sourcePort() != destinationPort || t.destinationPort() != sourcePort) {
                return "ports " + t.sourcePort() + ">" + t.destinationPort();
            }
            if (seq != null && t.seq() != seq) {
                return "seq " + Integer.toUnsignedString(t.seq()) + " != " + Integer.toUnsignedString(seq);
            }
            if (ack != null && t.ack() != ack) {
                return "ack " + Integer.toUnsignedString(t.ack()) + " != " + Integer.toUnsignedString(ack);
            }
            if (window != null && t.window() != window) {
                return "window " + t.window() + " != " + window;
            }
            if (options != null && !t.options().equals(options)) {
                return "options " + t.options() + " != " + options;
            }
            if (payload != null && !java.util.Arrays.equals(payload, s.payload())) {
                return "payload '" + s.text() + "' != '" + new String(payload, StandardCharsets.ISO_8859_1) + "'";
            }
            if (length != null && s.payload().length != length) {
                return "length " + s.payload().length + " != " + length;
            }
            return null;
        }

        @Override
        public String toString() {
            return "[" + Tcp.flagString(flags) + "] seq " + (seq == null ? "*" : Integer.toUnsignedString(seq))
                    + " ack " + (ack == null ? "*" : Integer.toUnsignedString(ack)) + " win "
                    + (window == null ? "*" : window) + " " + (options == null ? "<*>" : options)
                    + (payload != null ? " '" + new String(payload, StandardCharsets.ISO_8859_1) + "'" : "")
                    + (length != null ? " len " + length : "");
        }
    }
}
