package io.multistack.stack.tcp;

import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;

/**
 * The fields of one received segment's header and options that TCP uses, read in place
 * ({@link Tcp#check}, the static accessors, {@link TcpOptions#find}) into an object the engine
 * reuses: the {@code Tcp} and {@code TcpOptions} records cost ~80 bytes per received segment,
 * which escape analysis did not remove. Valid only while the segment is being processed;
 * nothing keeps it. Its accessors are named as the records' ({@link #options()} is itself).
 */
final class Segment {
    private static final int[] NO_BLOCKS = new int[0];
    private int sourcePort;
    private int destinationPort;
    private int seq;
    private int ack;
    private int flags;
    private int window;
    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean hasTimestamp;
    private int tsVal;
    private int tsEcr;
    private int[] sackBlocks = NO_BLOCKS;

    /** Validates the segment occupying all readable bytes (as {@link Tcp#parse} does) and reads its header. */
    void read(ByteBuf segment, int sourceIp, int destinationIp) throws MalformedPacketException {
        Tcp.check(segment, sourceIp, destinationIp);
        int at = segment.readerIndex();
        sourcePort = Tcp.sourcePort(segment, at);
        destinationPort = Tcp.destinationPort(segment, at);
        seq = Tcp.seq(segment, at);
        ack = Tcp.ack(segment, at);
        flags = Tcp.flags(segment, at);
        window = Tcp.window(segment, at);
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamp = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlocks = NO_BLOCKS;
        int optionsLength = Tcp.headerLength(segment, at) - Tcp.MIN_HEADER_LENGTH;
        if (optionsLength > 0) {
            readOptions(segment, at + Tcp.MIN_HEADER_LENGTH, optionsLength);
        }
    }

    private void readOptions(ByteBuf b, int index, int length) throws MalformedPacketException {
        if (length == TcpOptions.TIMESTAMP_LENGTH && (flags & Tcp.SYN) == 0
                && b.getInt(index) == (TcpOptions.KIND_NOP << 24 | TcpOptions.KIND_NOP << 16
                        | TcpOptions.KIND_TIMESTAMP << 8 | 10)) {
            // what nearly every segment of a connection with timestamps carries (RFC 7323 appendix A)
            hasTimestamp = true;
            tsVal = b.getInt(index + 4);
            tsEcr = b.getInt(index + 8);
            return;
        }
        int ts = TcpOptions.find(b, index, length, TcpOptions.KIND_TIMESTAMP);
        if (ts >= 0) {
            hasTimestamp = true;
            tsVal = b.getInt(ts + 2);
            tsEcr = b.getInt(ts + 6);
        }
        int sack = TcpOptions.find(b, index, length, TcpOptions.KIND_SACK);
        if (sack >= 0) {
            int[] blocks = new int[(b.getUnsignedByte(sack + 1) - 2) / 4]; // only while the peer sees losses
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = b.getInt(sack + 2 + 4 * i);
            }
            sackBlocks = blocks;
        }
        if ((flags & Tcp.SYN) == 0) {
            return; // the handshake's options count only on SYN segments
        }
        int m = TcpOptions.find(b, index, length, TcpOptions.KIND_MSS);
        mss = m >= 0 ? b.getUnsignedShort(m + 2) : -1;
        int ws = TcpOptions.find(b, index, length, TcpOptions.KIND_WINDOW_SCALE);
        windowScale = ws >= 0 ? b.getUnsignedByte(ws + 2) : -1;
        sackPermitted = TcpOptions.find(b, index, length, TcpOptions.KIND_SACK_PERMITTED) >= 0;
    }

    int sourcePort() {
        return sourcePort;
    }

    int destinationPort() {
        return destinationPort;
    }

    int seq() {
        return seq;
    }

    int ack() {
        return ack;
    }

    int flags() {
        return flags;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    int window() {
        return window;
    }

    Segment options() {
        return this;
    }

    int mss() {
        return mss;
    }

    int windowScale() {
        return windowScale;
    }

    boolean sackPermitted() {
        return sackPermitted;
    }

    boolean hasTimestamp() {
        return hasTimestamp;
    }

    int tsVal() {
        return tsVal;
    }

    int tsEcr() {
        return tsEcr;
    }

    int[] sackBlocks() {
        return sackBlocks;
    }

    @Override
    public String toString() {
        return Tcp.flagString(flags) + " " + sourcePort + " > " + destinationPort + " seq " + Integer.toUnsignedString(seq)
                + " ack " + Integer.toUnsignedString(ack) + " win " + window;
    }
}
