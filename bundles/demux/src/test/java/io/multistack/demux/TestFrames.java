package io.multistack.demux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/** Ethernet frames for the demux tests, built byte by byte (independent of io.multistack.wire). */
final class TestFrames {
    static final long STACK_MAC = 0x02_6d_73_00_02_58L;
    static final long HOST_MAC = 0x52_54_00_0a_00_0aL;

    private TestFrames() {}

    /** An untagged frame: destination, source, EtherType, payload. */
    static byte[] untagged(long destination, long source, int etherType, int payloadLength) {
        ByteBuffer out = ByteBuffer.allocate(14 + payloadLength);
        out.putShort((short) (destination >>> 32)).putInt((int) destination);
        out.putShort((short) (source >>> 32)).putInt((int) source);
        out.putShort((short) etherType);
        for (int i = 0; i < payloadLength; i++) {
            out.put((byte) (i + 1));
        }
        return out.array();
    }

    static byte[] untagged(int payloadLength) {
        return untagged(STACK_MAC, HOST_MAC, 0x0800, payloadLength);
    }

    /** The same frame with an 802.1Q tag (TPID 0x8100, TCI) after the source MAC. */
    static byte[] tagged(byte[] untagged, int tci) {
        ByteBuffer out = ByteBuffer.allocate(untagged.length + 4);
        out.put(untagged, 0, 12).putShort((short) 0x8100).putShort((short) tci)
                .put(untagged, 12, untagged.length - 12);
        return out.array();
    }

    /** A heap buffer holding the bytes at its reader index, with {@code headroom} free bytes before. */
    static ByteBuf buffer(byte[] bytes, int headroom) {
        ByteBuf buf = Unpooled.buffer(headroom + bytes.length);
        buf.writerIndex(headroom).readerIndex(headroom);
        return buf.writeBytes(bytes);
    }
}
