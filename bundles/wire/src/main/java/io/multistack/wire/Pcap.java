package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The classic libpcap file format that tcpdump, tshark and Wireshark read: a 24-byte file
 * header, then per frame a 16-byte record header and the frame's bytes. Written
 * little-endian (as libpcap does on x86; readers detect the byte order from the magic) with
 * nanosecond timestamps, link type Ethernet.
 */
public final class Pcap {
    /** Magic of a file whose record timestamps carry nanoseconds. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    /** Magic of a file whose record timestamps carry microseconds (read, never written). */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 4;
    public static final int SNAPLEN = 65535;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int FILE_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Pcap() {}

    /** What a file header says about the records after it. */
    public record FileHeader(boolean nanoseconds, int snaplen, int linkType) {
        /** Writes the header this library always writes: nanoseconds, {@link #SNAPLEN}, Ethernet. */
        public static void emit(ByteBuf out) {
            out.writeIntLE(MAGIC_NANOS)
                    .writeShortLE(VERSION_MAJOR)
                    .writeShortLE(VERSION_MINOR)
                    .writeIntLE(0) // this zone: timestamps are UTC
                    .writeIntLE(0) // sigfigs: always 0
                    .writeIntLE(SNAPLEN)
                    .writeIntLE(LINKTYPE_ETHERNET);
        }

        /** Reads and consumes a little-endian file header. */
        public static FileHeader read(ByteBuf in) throws MalformedPacketException {
            if (in.readableBytes() < FILE_HEADER_LENGTH) {
                throw new MalformedPacketException("pcap.truncated");
            }
            int magic = in.readIntLE();
            if (magic != MAGIC_NANOS && magic != MAGIC_MICROS) {
                throw new MalformedPacketException("pcap.bad-magic");
            }
            if (in.readUnsignedShortLE() != VERSION_MAJOR || in.readUnsignedShortLE() != VERSION_MINOR) {
                throw new MalformedPacketException("pcap.bad-version");
            }
            in.skipBytes(8);
            return new FileHeader(magic == MAGIC_NANOS, in.readIntLE(), in.readIntLE());
        }
    }

    /** One record header: when, how many bytes follow, and how long the frame really was. */
    public record RecordHeader(long epochNanos, int capturedLength, int originalLength) {
        public void emit(ByteBuf out) {
            out.writeIntLE((int) Math.floorDiv(epochNanos, NANOS_PER_SECOND))
                    .writeIntLE((int) Math.floorMod(epochNanos, NANOS_PER_SECOND))
                    .writeIntLE(capturedLength)
                    .writeIntLE(originalLength);
        }

        /** Reads and consumes a record header (not the frame bytes after it). */
        public static RecordHeader read(ByteBuf in, FileHeader file) throws MalformedPacketException {
            if (in.readableBytes() < RECORD_HEADER_LENGTH) {
                throw new MalformedPacketException("pcap.truncated");
            }
            long seconds = in.readUnsignedIntLE();
            long fraction = in.readUnsignedIntLE();
            int captured = in.readIntLE();
            int original = in.readIntLE();
            if (captured < 0 || captured > in.readableBytes() || original < captured) {
                throw new MalformedPacketException("pcap.bad-length");
            }
            long nanos = file.nanoseconds() ? fraction : fraction * 1000;
            return new RecordHeader(seconds * NANOS_PER_SECOND + nanos, captured, original);
        }
    }

    /** Bytes {@link #writeRecord} writes for this frame. */
    public static int recordLength(ByteBuf frame) {
        return RECORD_HEADER_LENGTH + Math.min(frame.readableBytes(), SNAPLEN);
    }

    /**
     * Writes one record for the frame's readable bytes (cut at {@link #SNAPLEN}) at the writer
     * index of {@code out}; the frame's indexes do not move.
     */
    public static void writeRecord(ByteBuf out, long epochNanos, ByteBuf frame) {
        int length = frame.readableBytes();
        int captured = Math.min(length, SNAPLEN);
        new RecordHeader(epochNanos, captured, length).emit(out);
        out.writeBytes(frame, frame.readerIndex(), captured);
    }
}
