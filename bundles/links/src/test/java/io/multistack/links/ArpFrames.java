package io.multistack.links;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

/** ARP frames for the root-only tests: a request from a made-up host, and a check for the kernel's reply. */
final class ArpFrames {
    static final String ASKER_MAC = "02000000aa01";

    private ArpFrames() {}

    static String ip(String dotted) {
        StringBuilder hex = new StringBuilder();
        for (String part : dotted.split("\\.")) {
            hex.append(String.format("%02x", Integer.parseInt(part)));
        }
        return hex.toString();
    }

    /** Who has {@code target}? Tell {@code sender} (at ASKER_MAC), optionally inside an 802.1Q tag. */
    static String requestHex(String sender, String target, int vlanOrMinusOne) {
        String tag = vlanOrMinusOne < 0 ? "" : "8100" + String.format("%04x", vlanOrMinusOne);
        return "ffffffffffff" + ASKER_MAC + tag + "0806" + "0001" + "0800" + "06" + "04" + "0001" + ASKER_MAC
                + ip(sender) + "000000000000" + ip(target);
    }

    static ByteBuf request(String sender, String target) {
        return direct(requestHex(sender, target, -1));
    }

    static ByteBuf direct(String hex) {
        byte[] bytes = ByteBufUtil.decodeHexDump(hex);
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    /** An untagged ARP reply to ASKER_MAC saying {@code target} is at some MAC. */
    static boolean isReply(String frameHex, String target) {
        return frameHex.startsWith(ASKER_MAC) && frameHex.startsWith("0806", 24) && frameHex.startsWith("0002", 40)
                && frameHex.startsWith(ip(target), 56);
    }
}
