package io.multistack.bench;

import io.multistack.stack.tcp.TcpConnection;
import io.multistack.stack.tcp.TcpListener;
import io.multistack.wire.Checksum;
import io.multistack.wire.Ethernet;
import io.multistack.wire.Ipv4;
import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The site host's end of one TCP connection to tenant A (port 80), set up by a real
 * handshake with the options Linux offers (MSS 1460, SACK, timestamps, window scale 7).
 * Afterwards it produces segments from a template, patching sequence, acknowledgment and
 * timestamps and the checksum by sums (the payload's sum is computed once), so a frame costs
 * the harness a copy and a few additions.
 */
public final class TcpPeer implements AutoCloseable {
    public static final int HOST_PORT = 40000;
    public static final int TENANT_PORT = 80;
    /** Payload of a full segment: MTU 1500 - 20 IPv4 - 20 TCP - 12 timestamp option. */
    public static final int MSS = 1448;
    static final int HOST_ISS = 0x20000000;
    static final int WINDOW_FIELD = 0xFFFF; // with scale 7: 8 MiB
    private static final int TCP_AT = Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH;
    private static final int HEADER_LENGTH = Tcp.MIN_HEADER_LENGTH + 12;

    private final Tenant tenant;
    /** The accepted connection on the tenant's side. */
    public final TcpConnection connection;
    private final FrameSource data;
    private final int dataSum;
    private final FrameSource ack;
    private final int ackSum;
    /** Next sequence number the host sends. */
    public int seq = HOST_ISS + 1;
    /** What the host acknowledges: the next byte it expects from the tenant. */
    public int acked = Tenant.ISS + 1;

    /** Connects to {@code listener}'s port; the tenant's handler is set by {@code onAccept}. */
    public TcpPeer(Tenant tenant, java.util.function.Consumer<TcpConnection> onAccept) {
        this.tenant = tenant;
        TcpConnection[] accepted = new TcpConnection[1];
        TcpListener listener = tenant.tcp.listen(0, TENANT_PORT, 16, c -> {
            accepted[0] = c;
            onAccept.accept(c);
        });
        tenant.device.keep(true);
        TcpOptions synOptions = TcpOptions.NONE.withMss(1460).withSackPermitted(true)
                .withTimestamp(tsVal(), 0).withWindowScale(7);
        tenant.receive(frame(Tcp.SYN, HOST_ISS, 0, synOptions, new byte[0]));
        Tcp synAck = takeSegment();
        if (!synAck.has(Tcp.SYN) || synAck.ack() != HOST_ISS + 1 || synAck.seq() != Tenant.ISS) {
            throw new IllegalStateException("no SYN-ACK from the tenant: " + synAck);
        }
        tenant.receive(frame(Tcp.ACK, seq, acked, timestamps(), new byte[0]));
        tenant.device.keep(false);
        tenant.device.close();
        listener.close(tenant.now);
        if (accepted[0] == null || !accepted[0].isEstablished()) {
            throw new IllegalStateException("the handshake did not establish a connection");
        }
        this.connection = accepted[0];
        byte[] payload = Packets.pattern(MSS);
        byte[] dataTemplate = template(Tcp.ACK, payload);
        this.data = new FrameSource(dataTemplate, 64);
        this.dataSum = fixedSum(dataTemplate);
        byte[] ackTemplate = template(Tcp.ACK, new byte[0]);
        this.ack = new FrameSource(ackTemplate, 64);
        this.ackSum = fixedSum(ackTemplate);
    }

    /** The next full data segment (MSS bytes) in sequence; {@link #seq} moves past it. */
    public ByteBuf nextData() {
        ByteBuf frame = patched(data, dataSum);
        seq += MSS;
        return frame;
    }

    /** A pure ACK of everything the tenant sent up to {@code upTo}. */
    public ByteBuf ackUpTo(int upTo) {
        acked = upTo;
        return patched(ack, ackSum);
    }

    /** The host's timestamp clock (1 ms, as Linux), derived from the tenant's virtual time. */
    private int tsVal() {
        return (int) (tenant.now / 1_000_000L) + 12345;
    }

    /** What the host echoes: the tenant's clock (its offset is zero with a fixed ISN generator). */
    private int tsEcr() {
        return (int) (tenant.now / 1_000_000L);
    }

    private TcpOptions timestamps() {
        return TcpOptions.NONE.withTimestamp(tsVal(), tsEcr());
    }

    private ByteBuf patched(FrameSource source, int fixedSum) {
        ByteBuf frame = source.next();
        int at = frame.readerIndex() + TCP_AT;
        int tsVal = tsVal();
        int tsEcr = tsEcr();
        frame.setInt(at + 4, seq).setInt(at + 8, acked).setInt(at + 24, tsVal).setInt(at + 28, tsEcr);
        int sum = fixedSum + words(seq) + words(acked) + words(tsVal) + words(tsEcr);
        frame.setShort(at + 16, Checksum.finish(sum));
        return frame;
    }

    private static int words(int value) {
        return (value >>> 16) + (value & 0xFFFF);
    }

    /** A segment template whose variable fields (seq, ack, timestamps, checksum) are zero. */
    private static byte[] template(int flags, byte[] payload) {
        Tcp header = Packets.tcpHeader(HOST_PORT, TENANT_PORT, 0, 0, flags, WINDOW_FIELD,
                TcpOptions.NONE.withTimestamp(0, 0));
        byte[] frame = Packets.hostToTenant(Ipv4.PROTOCOL_TCP, Packets.tcp(Net.HOST_IP, Net.TENANT_IP, header, payload));
        if (header.headerLength() != HEADER_LENGTH) {
            throw new IllegalStateException("unexpected option layout: " + header);
        }
        frame[TCP_AT + 16] = 0;
        frame[TCP_AT + 17] = 0;
        return frame;
    }

    /** Pseudo header plus every byte of the segment that does not change between frames. */
    private static int fixedSum(byte[] frame) {
        int length = frame.length - TCP_AT;
        return Checksum.pseudoHeader(Net.HOST_IP, Net.TENANT_IP, Ipv4.PROTOCOL_TCP, length)
                + Packets.sum(frame, TCP_AT, length);
    }

    private ByteBuf frame(int flags, int seq, int ack, TcpOptions options, byte[] payload) {
        Tcp header = Packets.tcpHeader(HOST_PORT, TENANT_PORT, seq, ack, flags, WINDOW_FIELD, options);
        return Unpooled.wrappedBuffer(
                Packets.hostToTenant(Ipv4.PROTOCOL_TCP, Packets.tcp(Net.HOST_IP, Net.TENANT_IP, header, payload)));
    }

    /** The next segment the tenant sent (Ethernet and IPv4 skipped). */
    private Tcp takeSegment() {
        ByteBuf frame;
        while ((frame = tenant.device.take()) != null) {
            try {
                if (Ethernet.etherType(frame) != Ethernet.TYPE_IPV4) {
                    continue;
                }
                frame.skipBytes(TCP_AT);
                return Tcp.parse(frame, Net.TENANT_IP, Net.HOST_IP);
            } catch (MalformedPacketException e) {
                throw new IllegalStateException(e);
            } finally {
                frame.release();
            }
        }
        throw new IllegalStateException("the tenant sent no segment");
    }

    @Override
    public void close() {
        data.close();
        ack.close();
    }
}
