package io.multistack.bench;

import io.multistack.wire.Checksum;
import io.multistack.wire.Dot1q;
import io.multistack.wire.Ethernet;
import io.multistack.wire.Icmpv4;
import io.multistack.wire.Ipv4;
import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.multistack.wire.Udp;
import io.multistack.wire.Vxlan;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Builds the byte templates of received frames, once per benchmark (never in the measured path). */
public final class Packets {
    private Packets() {}

    public static byte[] ethernet(long destination, long source, int etherType, byte[] payload) {
        ByteBuf out = Unpooled.buffer(Ethernet.HEADER_LENGTH + payload.length);
        new Ethernet.Header(destination, source, etherType).emit(out);
        return bytes(out.writeBytes(payload));
    }

    /** A frame from the site host to the tenant. */
    public static byte[] hostToTenant(int protocol, byte[] transport) {
        return ethernet(Net.TENANT_MAC, Net.HOST_MAC, Ethernet.TYPE_IPV4,
                ipv4(protocol, Net.HOST_IP, Net.TENANT_IP, transport));
    }

    public static byte[] ipv4(int protocol, int source, int destination, byte[] payload) {
        ByteBuf out = Unpooled.buffer(Ipv4.MIN_HEADER_LENGTH + payload.length);
        Ipv4.of(protocol, source, destination, payload.length, 0x1234, 64).emit(out);
        return bytes(out.writeBytes(payload));
    }

    public static byte[] udp(int sourceIp, int destinationIp, int sourcePort, int destinationPort, byte[] data) {
        ByteBuf out = Unpooled.buffer(Udp.HEADER_LENGTH + data.length);
        new Udp(sourcePort, destinationPort, Udp.HEADER_LENGTH + data.length)
                .emit(out, Unpooled.wrappedBuffer(data), sourceIp, destinationIp);
        return bytes(out);
    }

    public static byte[] icmpEchoRequest(int identifier, int sequence, byte[] data) {
        ByteBuf out = Unpooled.buffer(Icmpv4.HEADER_LENGTH + data.length);
        new Icmpv4(Icmpv4.ECHO_REQUEST, 0, identifier, sequence).emit(out, Unpooled.wrappedBuffer(data));
        return bytes(out);
    }

    /** A TCP segment with its checksum filled in. */
    public static byte[] tcp(int sourceIp, int destinationIp, Tcp header, byte[] payload) {
        ByteBuf out = Unpooled.buffer(header.headerLength() + payload.length);
        header.emit(out);
        out.writeBytes(payload);
        Tcp.fillChecksum(out, 0, sourceIp, destinationIp);
        return bytes(out);
    }

    public static Tcp tcpHeader(int sourcePort, int destinationPort, int seq, int ack, int flags, int window,
            TcpOptions options) {
        return new Tcp(sourcePort, destinationPort, seq, ack, flags, window, 0, options);
    }

    /** The frame with an 802.1Q tag for the VLAN, as it travels on the trunk. */
    public static byte[] tagged(byte[] frame, int vlan) {
        ByteBuf out = Unpooled.buffer(frame.length + Dot1q.TAG_LENGTH);
        out.writeBytes(frame, 0, 12).writeShort(Ethernet.TYPE_VLAN).writeShort(vlan).writeBytes(frame, 12,
                frame.length - 12);
        return bytes(out);
    }

    /** The UDP payload of a VXLAN packet carrying the frame. */
    public static byte[] vxlan(int vni, byte[] frame) {
        ByteBuf out = Unpooled.buffer(Vxlan.HEADER_LENGTH + frame.length);
        Vxlan.encode(out, vni);
        return bytes(out.writeBytes(frame));
    }

    public static byte[] pattern(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        return data;
    }

    /** The one's complement sum of a byte region (for checksums patched per frame). */
    public static int sum(byte[] bytes, int offset, int length) {
        return Checksum.add(0, Unpooled.wrappedBuffer(bytes), offset, length);
    }

    private static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }
}
