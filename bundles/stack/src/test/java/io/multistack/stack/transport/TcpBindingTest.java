package io.multistack.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.stack.core.IpOutput;
import io.multistack.stack.tcp.IsnGenerator;
import io.multistack.stack.tcp.TcpEngine;
import io.multistack.stack.tcp.TcpSettings;
import io.multistack.wire.Ipv4Address;
import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The binding ends a batch of received frames where the tenant loop asks for the next
 * deadline (after each inbox drain): the ACKs the batch owes leave there, one per connection.
 */
class TcpBindingTest {
    static final int US = Ipv4Address.parse("192.168.1.1");
    static final int PEER = Ipv4Address.parse("192.168.1.10");
    static final int PEER_ISN = 7_000;

    final List<Tcp> sent = new ArrayList<>();
    final TcpBinding binding = new TcpBinding(new IpOutput() {
        @Override
        public ByteBuf allocate(int transportLength) {
            return Unpooled.buffer(transportLength);
        }

        @Override
        public void send(int protocol, int destination, ByteBuf packet, long now) {
            try {
                sent.add(Tcp.parse(packet, US, destination));
            } catch (io.multistack.wire.MalformedPacketException e) {
                throw new AssertionError(e.reason());
            } finally {
                packet.release();
            }
        }

        @Override
        public int address() {
            return US;
        }

        @Override
        public int mtu(int destination) {
            return 1500;
        }
    });

    TcpBindingTest() {
        TcpSettings settings = TcpSettings.defaults().withOptions(false, false, false).withQuickAcks(0);
        binding.engine(new TcpEngine(settings, binding, IsnGenerator.fixed(1_000, new SplittableRandom(1)),
                ByteBufAllocator.DEFAULT));
    }

    ByteBuf segment(int flags, int seq, int ack, int payload) {
        Tcp tcp = new Tcp(40_000, 7, seq, ack, flags, 65535, 0, flags == Tcp.SYN ? TcpOptions.NONE.withMss(1460)
                : TcpOptions.NONE);
        ByteBuf b = Unpooled.buffer(tcp.headerLength() + payload);
        tcp.emit(b);
        b.writeZero(payload);
        Tcp.fillChecksum(b, 0, PEER, US);
        return b;
    }

    @Test
    void theBatchsAcksLeaveWhenTheLoopAsksForTheNextDeadline() {
        binding.listen(US, 7, 8, connection -> { });
        binding.receive(PEER, US, segment(Tcp.SYN, PEER_ISN, 0, 0), 0);
        int iss = sent.remove(0).seq();
        binding.receive(PEER, US, segment(Tcp.ACK, PEER_ISN + 1, iss + 1, 0), 0);
        for (int i = 0; i < 6; i++) { // one inbox drain: six full segments
            binding.receive(PEER, US, segment(Tcp.ACK, PEER_ISN + 1 + 1460 * i, iss + 1, 1460), 1_000);
        }
        assertThat(sent).as("nothing before the batch ends").isEmpty();
        assertThat(binding.nextDeadline()).as("nothing due once the ACKs left").isEqualTo(Long.MAX_VALUE);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ack()).isEqualTo(PEER_ISN + 1 + 6 * 1460);
    }
}
