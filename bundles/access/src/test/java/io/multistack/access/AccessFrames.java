package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Frames and VXLAN packets for the access tests, built byte by byte (independent of io.multistack.wire). */
final class AccessFrames {
    static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    static final long TENANT_MAC = 0x02_6d_73_00_02_58L;

    private AccessFrames() {}

    static int ip(String dotted) {
        int value = 0;
        for (String part : dotted.split("\\.")) {
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    static byte[] ethernet(long destination, long source, int payloadLength) {
        ByteBuffer out = ByteBuffer.allocate(14 + payloadLength);
        out.putShort((short) (destination >>> 32)).putInt((int) destination);
        out.putShort((short) (source >>> 32)).putInt((int) source);
        out.putShort((short) 0x0800);
        for (int i = 0; i < payloadLength; i++) {
            out.put((byte) (i * 3 + 1));
        }
        return out.array();
    }

    static byte[] tagged(byte[] untagged, int vlan) {
        ByteBuffer out = ByteBuffer.allocate(untagged.length + 4);
        out.put(untagged, 0, 12).putShort((short) 0x8100).putShort((short) vlan)
                .put(untagged, 12, untagged.length - 12);
        return out.array();
    }

    /** RFC 7348: flags (I bit), 24 reserved bits, 24-bit VNI, 8 reserved bits, then the inner frame. */
    static byte[] vxlan(int vni, byte[] inner) {
        ByteBuffer out = ByteBuffer.allocate(8 + inner.length);
        out.putInt(0x0800_0000).putInt(vni << 8).put(inner);
        return out.array();
    }

    static int vniOf(byte[] packet) {
        return ByteBuffer.wrap(packet).getInt(4) >>> 8;
    }

    static byte[] innerOf(byte[] packet) {
        return Arrays.copyOfRange(packet, 8, packet.length);
    }

    static ByteBuf buffer(byte[] bytes, int headroom) {
        ByteBuf buf = Unpooled.buffer(headroom + bytes.length);
        buf.writerIndex(headroom).readerIndex(headroom);
        return buf.writeBytes(bytes);
    }

    static byte[] consume(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        buf.release();
        return bytes;
    }
}
