package io.multistack.stack.core;

import io.multistack.wire.Ipv4;
import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Udp;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/** UDP (RFC 768): port demux, checksums, sending. Confined to the stack's loop. */
public final class UdpLayer {
    static final int FIRST_EPHEMERAL = 49152;

    private final IpOutput ip;
    private final DropCounters drops;
    private final Map<Integer, UdpReceiver> ports = new HashMap<>();
    private int nextEphemeral = FIRST_EPHEMERAL;

    UdpLayer(IpOutput ip, DropCounters drops) {
        this.ip = ip;
        this.drops = drops;
    }

    /**
     * Binds a port (0 picks a free ephemeral one).
     *
     * @return the bound port
     * @throws IllegalStateException when the port is taken
     */
    public int bind(int port, UdpReceiver receiver) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " is outside 0..65535");
        }
        int chosen = port == 0 ? ephemeral() : port;
        if (ports.putIfAbsent(chosen, receiver) != null) {
            throw new IllegalStateException("UDP port " + chosen + " is already bound");
        }
        return chosen;
    }

    public void unbind(int port, UdpReceiver receiver) {
        ports.remove(port, receiver);
    }

    /** Sends a datagram; the payload is copied, not consumed. */
    public void send(int sourcePort, int destination, int destinationPort, ByteBuf payload, long now) {
        int length = Udp.HEADER_LENGTH + payload.readableBytes();
        if (length > 65_535 - Ipv4.MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException("UDP payload of " + payload.readableBytes() + " bytes is too large");
        }
        ByteBuf packet = ip.allocate(length);
        new Udp(sourcePort, destinationPort, length).emit(packet, payload, ip.address(), destination);
        ip.send(Ipv4.PROTOCOL_UDP, destination, packet, now);
    }

    /** @return false when no socket is bound to the destination port (the caller answers port unreachable) */
    boolean receive(int source, int destination, ByteBuf datagram, long now) throws MalformedPacketException {
        Udp udp = Udp.parse(datagram, source, destination);
        UdpReceiver receiver = ports.get(udp.destinationPort());
        if (receiver == null) {
            return false;
        }
        ByteBuf payload = datagram.retainedSlice(datagram.readerIndex() + Udp.HEADER_LENGTH,
                udp.length() - Udp.HEADER_LENGTH);
        receiver.datagram(source, udp.sourcePort(), destination, udp.destinationPort(), payload, now);
        return true;
    }

    int boundPorts() {
        return ports.size();
    }

    private int ephemeral() {
        for (int tries = 0; tries < 65536 - FIRST_EPHEMERAL; tries++) {
            int candidate = nextEphemeral;
            nextEphemeral = nextEphemeral == 65535 ? FIRST_EPHEMERAL : nextEphemeral + 1;
            if (!ports.containsKey(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free ephemeral UDP port");
    }

    void drop(String reason) {
        drops.count(reason);
    }
}
