package io.multistack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Hex text ⇄ bytes, so expected packets read like a capture. */
final class Bytes {
    private Bytes() {}

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex);
    }

    /** The readable bytes as lower-case hex, without moving any index. */
    static String hexOf(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    static byte[] range(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    static byte[] range(byte[] bytes, int from) {
        return range(bytes, from, bytes.length);
    }
}
