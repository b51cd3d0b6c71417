package io.multistack.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * TCP options (RFC 9293 MSS, RFC 7323 window scale and timestamps, RFC 2018 SACK). Absent
 * values are -1 (mss, windowScale) or false. {@code sackBlocks} holds left/right edge pairs.
 * Unknown options are skipped; an option whose length runs past the header or is below 2 is
 * rejected.
 */
public record TcpOptions(int mss, int windowScale, boolean sackPermitted, boolean hasTimestamp, int tsVal,
        int tsEcr, int[] sackBlocks) {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMP = 8;
    public static final int MAX_SACK_BLOCKS = 4;
    private static final int[] NO_BLOCKS = new int[0];
    public static final TcpOptions NONE = new TcpOptions(-1, -1, false, false, 0, 0, NO_BLOCKS);

    public TcpOptions {
        sackBlocks = sackBlocks == null ? NO_BLOCKS : sackBlocks;
    }

    public TcpOptions withMss(int value) {
        return new TcpOptions(value, windowScale, sackPermitted, hasTimestamp, tsVal, tsEcr, sackBlocks);
    }

    public TcpOptions withWindowScale(int value) {
        return new TcpOptions(mss, value, sackPermitted, hasTimestamp, tsVal, tsEcr, sackBlocks);
    }

    public TcpOptions withSackPermitted(boolean value) {
        return new TcpOptions(mss, windowScale, value, hasTimestamp, tsVal, tsEcr, sackBlocks);
    }

    public TcpOptions withTimestamp(int val, int ecr) {
        return new TcpOptions(mss, windowScale, sackPermitted, true, val, ecr, sackBlocks);
    }

    public TcpOptions withoutTimestamp() {
        return new TcpOptions(mss, windowScale, sackPermitted, false, 0, 0, sackBlocks);
    }

    public TcpOptions withSackBlocks(int... blocks) {
        return new TcpOptions(mss, windowScale, sackPermitted, hasTimestamp, tsVal, tsEcr, blocks.clone());
    }

    public int sackBlockCount() {
        return sackBlocks.length / 2;
    }

    /** Parses {@code length} option bytes at {@code index}. */
    public static TcpOptions parse(ByteBuf buf, int index, int length) throws MalformedPacketException {
        int mss = -1;
        int windowScale = -1;
        boolean sackPermitted = false;
        boolean hasTimestamp = false;
        int tsVal = 0;
        int tsEcr = 0;
        int[] blocks = NO_BLOCKS;
        int i = index;
        int end = index + length;
        while (i < end) {
            int kind = buf.getUnsignedByte(i);
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            int optionLength = checkedLength(buf, i, end);
            switch (kind) {
                case KIND_MSS -> mss = buf.getUnsignedShort(i + 2);
                case KIND_WINDOW_SCALE -> windowScale = buf.getUnsignedByte(i + 2);
                case KIND_SACK_PERMITTED -> sackPermitted = true;
                case KIND_TIMESTAMP -> {
                    hasTimestamp = true;
                    tsVal = buf.getInt(i + 2);
                    tsEcr = buf.getInt(i + 6);
                }
                case KIND_SACK -> {
                    int body = optionLength - 2;
                    blocks = new int[body / 4];
                    for (int b = 0; b < blocks.length; b++) {
                        blocks[b] = buf.getInt(i + 2 + 4 * b);
                    }
                }
                default -> {
                    // unknown option: skipped by its length (RFC 9293 3.1)
                }
            }
            i += optionLength;
        }
        return new TcpOptions(mss, windowScale, sackPermitted, hasTimestamp, tsVal, tsEcr, blocks);
    }

    /**
     * Validates {@code length} option bytes at {@code index} as {@link #parse} does and
     * returns the index of the first option of {@code kind} (its value starts 2 bytes
     * further: a timestamp's TSval at +2, TSecr at +6), or -1 when there is none. Makes
     * nothing: for the per-segment path, with {@link Tcp#check}.
     */
    public static int find(ByteBuf buf, int index, int length, int kind) throws MalformedPacketException {
        int found = -1;
        int i = index;
        int end = index + length;
        while (i < end) {
            int k = buf.getUnsignedByte(i);
            if (k == KIND_EOL) {
                break;
            }
            if (k == KIND_NOP) {
                i++;
                continue;
            }
            int optionLength = checkedLength(buf, i, end);
            if (k == kind && found < 0) {
                found = i;
            }
            i += optionLength;
        }
        return found;
    }

    /** The length of the option at {@code i}, checked against the header's end and its kind. */
    private static int checkedLength(ByteBuf buf, int i, int end) throws MalformedPacketException {
        if (i + 1 >= end) {
            throw new MalformedPacketException("tcp.bad-option-length");
        }
        int optionLength = buf.getUnsignedByte(i + 1);
        if (optionLength < 2 || i + optionLength > end) {
            throw new MalformedPacketException("tcp.bad-option-length");
        }
        int expected = switch (buf.getUnsignedByte(i)) {
            case KIND_MSS -> 4;
            case KIND_WINDOW_SCALE -> 3;
            case KIND_SACK_PERMITTED -> 2;
            case KIND_TIMESTAMP -> 10;
            case KIND_SACK -> {
                int body = optionLength - 2;
                boolean valid = body > 0 && body % 8 == 0 && body / 8 <= MAX_SACK_BLOCKS;
                yield valid ? optionLength : -1;
            }
            default -> optionLength; // unknown option: skipped by its length (RFC 9293 3.1)
        };
        if (optionLength != expected) {
            throw new MalformedPacketException("tcp.bad-option-length");
        }
        return optionLength;
    }

    /** Bytes {@link #emit} writes, a multiple of 4. */
    public int length() {
        int n = 0;
        if (mss >= 0) {
            n += 4;
        }
        if (sackPermitted && hasTimestamp) {
            n += 12; // SACK-permitted folded into the timestamp's padding, as Linux does
        } else {
            n += sackPermitted ? 4 : 0;
            n += hasTimestamp ? 12 : 0;
        }
        if (windowScale >= 0) {
            n += 4;
        }
        if (sackBlocks.length > 0) {
            n += 4 + 4 * sackBlocks.length;
        }
        return n;
    }

    /** Bytes {@link #emitTimestamp} writes. */
    public static final int TIMESTAMP_LENGTH = 12;

    /** Writes NOP, NOP, timestamp: what {@code NONE.withTimestamp(val, ecr).emit(out)} writes, without the record. */
    public static void emitTimestamp(ByteBuf out, int tsVal, int tsEcr) {
        out.writeByte(KIND_NOP).writeByte(KIND_NOP).writeByte(KIND_TIMESTAMP).writeByte(10).writeInt(tsVal).writeInt(tsEcr);
    }

    /** Writes the options in Linux order (MSS, SACK-permitted, timestamps, window scale, SACK), NOP padded. */
    public void emit(ByteBuf out) {
        if (mss >= 0) {
            out.writeByte(KIND_MSS).writeByte(4).writeShort(mss);
        }
        if (sackPermitted && hasTimestamp) {
            out.writeByte(KIND_SACK_PERMITTED).writeByte(2);
            out.writeByte(KIND_TIMESTAMP).writeByte(10).writeInt(tsVal).writeInt(tsEcr);
        } else {
            if (sackPermitted) {
                out.writeByte(KIND_NOP).writeByte(KIND_NOP).writeByte(KIND_SACK_PERMITTED).writeByte(2);
            }
            if (hasTimestamp) {
                out.writeByte(KIND_NOP).writeByte(KIND_NOP);
                out.writeByte(KIND_TIMESTAMP).writeByte(10).writeInt(tsVal).writeInt(tsEcr);
            }
        }
        if (windowScale >= 0) {
            out.writeByte(KIND_NOP).writeByte(KIND_WINDOW_SCALE).writeByte(3).writeByte(windowScale);
        }
        if (sackBlocks.length > 0) {
            out.writeByte(KIND_NOP).writeByte(KIND_NOP).writeByte(KIND_SACK).writeByte(2 + 4 * sackBlocks.length);
            for (int edge : sackBlocks) {
                out.writeInt(edge);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpOptions t && t.mss == mss && t.windowScale == windowScale
                && t.sackPermitted == sackPermitted && t.hasTimestamp == hasTimestamp && t.tsVal == tsVal
                && t.tsEcr == tsEcr && Arrays.equals(t.sackBlocks, sackBlocks);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {mss, windowScale, sackPermitted ? 1 : 0, tsVal, tsEcr})
                ^ Arrays.hashCode(sackBlocks);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("<");
        if (mss >= 0) {
            s.append("mss ").append(mss).append(',');
        }
        if (sackPermitted) {
            s.append("sackOK,");
        }
        if (hasTimestamp) {
            s.append("TS val ").append(Integer.toUnsignedString(tsVal)).append(" ecr ")
                    .append(Integer.toUnsignedString(tsEcr)).append(',');
        }
        if (windowScale >= 0) {
            s.append("wscale ").append(windowScale).append(',');
        }
        for (int b = 0; b < sackBlocks.length; b += 2) {
            s.append("sack ").append(Integer.toUnsignedString(sackBlocks[b])).append(':')
                    .append(Integer.toUnsignedString(sackBlocks[b + 1])).append(',');
        }
        if (s.length() > 1) {
            s.setLength(s.length() - 1);
        }
        return s.append('>').toString();
    }
}
