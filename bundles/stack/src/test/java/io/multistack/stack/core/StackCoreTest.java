package io.multistack.stack.core;

import static io.multistack.stack.core.Frames.ARP_REPLY;
import static io.multistack.stack.core.Frames.ARP_REQUEST;
import static io.multistack.stack.core.Frames.BROADCAST_MAC;
import static io.multistack.stack.core.Frames.ETHERTYPE_ARP;
import static io.multistack.stack.core.Frames.ETHERTYPE_IPV4;
import static io.multistack.stack.core.Frames.ICMP_ECHO_REPLY;
import static io.multistack.stack.core.Frames.ICMP_ECHO_REQUEST;
import static io.multistack.stack.core.StackKit.ECHO_ID;
import static io.multistack.stack.core.StackKit.GATEWAY_IP;
import static io.multistack.stack.core.StackKit.GATEWAY_MAC;
import static io.multistack.stack.core.StackKit.HOST_IP;
import static io.multistack.stack.core.StackKit.HOST_MAC;
import static io.multistack.stack.core.StackKit.OUR_IP;
import static io.multistack.stack.core.StackKit.OUR_MAC;
import static io.multistack.stack.core.StackKit.millis;
import static io.multistack.stack.core.StackKit.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.stack.ArpEntry;
import io.multistack.api.stack.MacAddress;
import io.multistack.stack.core.Frames.ArpPacket;
import io.multistack.stack.core.Frames.IcmpMessage;
import io.multistack.stack.core.Frames.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The tenant protocol engine (Ethernet, ARP, IPv4, ICMP), driven frame by frame with a manual
 * clock. Every test checks exactly which frames were sent, and on close that nothing leaked.
 */
class StackCoreTest {
    private static final int OTHER_IP = Frames.ip("192.168.1.77");
    private static final long STRANGER_MAC = Frames.mac("52:54:00:99:99:99");

    private StackKit kit;

    @AfterEach
    void closeWithoutLeaks() {
        if (kit != null) {
            kit.close();
        }
    }

    private StackKit use(StackKit fresh) {
        kit = fresh;
        return fresh;
    }

    @Nested
    class Announcements {
        @Test
        void attachSendsOneGratuitousArp() {
            StackKit kit = use(StackKit.detached());
            kit.core.attach(kit.device, kit.now);

            assertThat(kit.expectArp(BROADCAST_MAC)).isEqualTo(new ArpPacket(ARP_REQUEST, OUR_MAC, OUR_IP, 0, OUR_IP));
            kit.expectNothing();
            assertThat(kit.core.isAttached()).isTrue();
        }

        @Test
        void addressChangeIsAnnounced() {
            StackKit kit = use(StackKit.up());
            kit.reconfigure(StackKit.settings("192.168.1.2", 24, null));

            int newIp = Frames.ip("192.168.1.2");
            assertThat(kit.expectArp(BROADCAST_MAC)).isEqualTo(new ArpPacket(ARP_REQUEST, OUR_MAC, newIp, 0, newIp));
            kit.expectNothing();
        }

        @Test
        void macChangeIsAnnouncedFromTheNewMac() {
            StackKit kit = use(StackKit.up());
            MacAddress newMac = MacAddress.parse("02:00:00:00:00:01");
            kit.reconfigure(StackKit.settings("192.168.1.1", 24, null, newMac));

            assertThat(kit.expectArp(BROADCAST_MAC))
                    .isEqualTo(new ArpPacket(ARP_REQUEST, newMac.bits(), OUR_IP, 0, OUR_IP));
            kit.expectNothing();
        }

        @Test
        void unchangedSettingsAnnounceNothing() {
            StackKit kit = use(StackKit.up());
            kit.reconfigure(StackKit.settings("192.168.1.1", 24, null));
            kit.expectNothing();
        }

        @Test
        void reconfigureWhileDetachedSendsNothingAndAttachAnnouncesTheNewAddress() {
            StackKit kit = use(StackKit.detached());
            kit.reconfigure(StackKit.settings("10.0.0.5", 8, null));
            kit.expectNothing();

            kit.core.attach(kit.device, kit.now);
            int newIp = Frames.ip("10.0.0.5");
            assertThat(kit.expectArp(BROADCAST_MAC)).isEqualTo(new ArpPacket(ARP_REQUEST, OUR_MAC, newIp, 0, newIp));
            kit.expectNothing();
        }

        @Test
        void answersOnTheNewAddressOnlyAfterAnAddressChange() {
            StackKit kit = use(StackKit.up());
            kit.reconfigure(StackKit.settings("192.168.1.2", 24, null));
            kit.expectArp(BROADCAST_MAC);

            kit.receive(kit.arpRequestFromHost(OUR_IP));
            kit.expectNothing();
            kit.receive(kit.arpRequestFromHost(Frames.ip("192.168.1.2")));
            assertThat(kit.expectArp(HOST_MAC))
                    .isEqualTo(new ArpPacket(ARP_REPLY, OUR_MAC, Frames.ip("192.168.1.2"), HOST_MAC, HOST_IP));
            kit.expectNothing();
        }

        @Test
        void sameSubnetKeepsNeighboursAnotherSubnetForgetsThem() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.reconfigure(StackKit.settings("192.168.1.2", 24, null));
            kit.expectArp(BROADCAST_MAC);
            assertThat(kit.core.arpTable(kit.now)).hasSize(1);

            kit.reconfigure(StackKit.settings("10.1.1.1", 24, null));
            kit.expectArp(BROADCAST_MAC);
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
            kit.expectNothing();
        }
    }

    @Nested
    class ArpReplies {
        @Test
        void requestForUsGetsExactlyOneReplyAndTheSenderIsLearned() {
            StackKit kit = use(StackKit.up());
            kit.receive(kit.arpRequestFromHost(OUR_IP));

            assertThat(kit.expectArp(HOST_MAC)).isEqualTo(new ArpPacket(ARP_REPLY, OUR_MAC, OUR_IP, HOST_MAC, HOST_IP));
            kit.expectNothing();
            assertThat(kit.core.arpTable(kit.now)).singleElement().satisfies(entry -> {
                assertThat(entry.address()).isEqualTo(StackKit.inet("192.168.1.10"));
                assertThat(entry.mac()).isEqualTo(new MacAddress(HOST_MAC));
                assertThat(entry.remaining()).isEqualTo(Duration.ofSeconds(60));
            });
        }

        @Test
        void requestForAnotherAddressIsIgnoredAndNotLearned() {
            StackKit kit = use(StackKit.up());
            kit.receive(kit.arpRequestFromHost(OTHER_IP));

            kit.expectNothing();
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
        }

        @Test
        void requestForAnotherAddressRefreshesAKnownSender() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.advance(seconds(30));
            long movedMac = Frames.mac("52:54:00:0a:00:0b");
            kit.receive(Frames.ethernet(BROADCAST_MAC, movedMac, ETHERTYPE_ARP,
                    Frames.arp(ARP_REQUEST, movedMac, HOST_IP, 0, OTHER_IP)));

            kit.expectNothing();
            assertThat(kit.core.arpTable(kit.now)).singleElement().satisfies(entry -> {
                assertThat(entry.mac()).isEqualTo(new MacAddress(movedMac));
                assertThat(entry.remaining()).isEqualTo(Duration.ofSeconds(60));
            });
        }

        @Test
        void paddedRequestIsAnswered() {
            StackKit kit = use(StackKit.up());
            byte[] request = kit.arpRequestFromHost(OUR_IP);
            kit.receive(Arrays.copyOf(request, 60));

            assertThat(kit.expectArp(HOST_MAC).operation()).isEqualTo(ARP_REPLY);
            kit.expectNothing();
        }

        @Test
        void someoneElseClaimingOurAddressIsCountedNotLearned() {
            StackKit kit = use(StackKit.up());
            kit.receive(Frames.ethernet(BROADCAST_MAC, STRANGER_MAC, ETHERTYPE_ARP,
                    Frames.arp(ARP_REQUEST, STRANGER_MAC, OUR_IP, 0, OUR_IP)));

            kit.expectNothing();
            assertThat(kit.core.drops().get("arp.address-conflict")).isEqualTo(1);
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
        }

        @Test
        void unsupportedHardwareTypeIsCounted() {
            StackKit kit = use(StackKit.up());
            byte[] arp = Frames.arp(ARP_REQUEST, HOST_MAC, HOST_IP, 0, OUR_IP);
            arp[1] = 6; // IEEE 802 instead of Ethernet
            kit.receive(Frames.ethernet(BROADCAST_MAC, HOST_MAC, ETHERTYPE_ARP, arp));

            kit.expectNothing();
            assertThat(kit.core.drops().get("arp.unsupported")).isEqualTo(1);
        }
    }

    @Nested
    class EchoReplies {
        @Test
        void echoRequestGetsAReplyWithTheSameIdSequenceAndPayloadToTheLearnedMac() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] data = Frames.pattern(56);
            kit.receive(kit.echoRequestFromHost(0x1234, 7, data));

            Ipv4Packet ip = kit.expectIpv4(HOST_MAC);
            assertThat(ip.destination()).isEqualTo(HOST_IP);
            assertThat(ip.protocol()).isEqualTo(1);
            assertThat(ip.ttl()).isEqualTo(64);
            IcmpMessage reply = IcmpMessage.decode(ip.payload());
            assertThat(reply.checksumValid()).as("ICMP checksum valid").isTrue();
            assertThat(reply.type()).isEqualTo(ICMP_ECHO_REPLY);
            assertThat(reply.code()).isZero();
            assertThat(reply.identifier()).isEqualTo(0x1234);
            assertThat(reply.sequence()).isEqualTo(7);
            assertThat(reply.data()).isEqualTo(data);
            kit.expectNothing();
            assertThat(kit.core.drops().snapshot()).isEmpty();
        }

        @Test
        void anEchoRequestIsAnsweredInItsOwnFrameWithoutABufferOrCopy() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] data = Frames.pattern(56);
            byte[] request = kit.echoRequestFromHost(0x1234, 7, data);
            int buffersBefore = kit.allocator.handedOut();

            kit.receive(request);

            assertThat(kit.allocator.handedOut() - buffersBefore).as("buffers: the request's own, none for the reply")
                    .isEqualTo(1);
            ByteBuf sent = kit.device.takeBuffer();
            try {
                assertThat(sent.readableBytes()).isEqualTo(request.length);
                byte[] bytes = new byte[sent.readableBytes() - 14];
                sent.getBytes(sent.readerIndex() + 14, bytes);
                Ipv4Packet ip = Ipv4Packet.decode(bytes);
                assertThat(ip.headerChecksumValid()).isTrue();
                IcmpMessage reply = IcmpMessage.decode(ip.payload());
                assertThat(reply.checksumValid()).isTrue();
                assertThat(reply.type()).isEqualTo(ICMP_ECHO_REPLY);
                assertThat(reply.data()).isEqualTo(data);
            } finally {
                sent.release();
            }
        }

        @Test
        void anEchoRequestSomeoneElseAlsoHoldsIsAnsweredInANewBufferAndLeftAsItWas() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] data = Frames.pattern(56);
            byte[] request = kit.echoRequestFromHost(0x1234, 7, data);

            ByteBuf shared = kit.receiveShared(request);

            try {
                assertThat(shared.refCnt()).as("the stack let go of its reference only").isEqualTo(1);
                assertThat(kit.device.holds(shared)).isFalse();
                byte[] unchanged = new byte[request.length];
                shared.getBytes(0, unchanged);
                assertThat(unchanged).as("the holder's bytes").isEqualTo(request);
            } finally {
                shared.release();
            }
            IcmpMessage reply = kit.expectIcmp(HOST_MAC, HOST_IP);
            assertThat(reply.type()).isEqualTo(ICMP_ECHO_REPLY);
            assertThat(reply.data()).isEqualTo(data);
        }

        @Test
        void oddLengthPayloadKeepsTheChecksumRight() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] data = Frames.pattern(1001);
            kit.receive(kit.echoRequestFromHost(0xFFFF, 0xFFFF, data));

            IcmpMessage reply = kit.expectIcmp(HOST_MAC, HOST_IP);
            assertThat(reply.identifier()).isEqualTo(0xFFFF);
            assertThat(reply.sequence()).isEqualTo(0xFFFF);
            assertThat(reply.data()).isEqualTo(data);
            kit.expectNothing();
        }

        @Test
        void ethernetPaddingIsNotEchoed() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] data = {1, 2, 3, 4};
            byte[] frame = kit.echoRequestFromHost(1, 1, data); // 14 + 20 + 12 = 46 bytes
            kit.receive(Arrays.copyOf(frame, 60));

            assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).data()).isEqualTo(data);
            kit.expectNothing();
        }

        @Test
        void ipv4OptionsAreSkipped() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] data = Frames.pattern(8);
            byte[] options = {1, 1, 1, 0}; // NOP, NOP, NOP, end of options
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1, 0, options,
                    Frames.icmpEcho(ICMP_ECHO_REQUEST, 9, 9, data))));

            IcmpMessage reply = kit.expectIcmp(HOST_MAC, HOST_IP);
            assertThat(reply.type()).isEqualTo(ICMP_ECHO_REPLY);
            assertThat(reply.data()).isEqualTo(data);
            kit.expectNothing();
        }

        @Test
        void echoToBroadcastAddressesIsIgnored() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            for (String broadcast : new String[] {"192.168.1.255", "255.255.255.255"}) {
                kit.receive(Frames.ethernet(BROADCAST_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP,
                        Frames.ip(broadcast), 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]))));
            }
            kit.expectNothing();
            assertThat(kit.core.drops().get("icmp.broadcast-echo-ignored")).isEqualTo(2);
        }

        @Test
        void echoToAnotherAddressIsNotOurs() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4,
                    Frames.ipv4(HOST_IP, OTHER_IP, 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]))));
            kit.expectNothing();
            assertThat(kit.core.drops().get("ipv4.not-for-us")).isEqualTo(1);
        }

        @Test
        void echoFromAMulticastSourceIsDropped() {
            StackKit kit = use(StackKit.up());
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(Frames.ip("224.0.0.1"), OUR_IP,
                    1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]))));
            kit.expectNothing();
            assertThat(kit.core.drops().get("ipv4.bad-source")).isEqualTo(1);
        }

        @Test
        void counters() {
            StackKit kit = use(StackKit.up());
            long outBefore = kit.core.framesOut();
            kit.hostResolvesUs();
            byte[] request = kit.echoRequestFromHost(1, 1, new byte[32]);
            kit.receive(request);
            kit.expectIcmp(HOST_MAC, HOST_IP);

            assertThat(kit.core.framesIn()).isEqualTo(2);
            assertThat(kit.core.bytesIn()).isEqualTo(42 + request.length);
            assertThat(kit.core.framesOut() - outBefore).isEqualTo(2);
        }
    }

    @Nested
    class ArpResolution {
        @Test
        void echoFromAnUnknownNeighbourWaitsForItsArpReply() {
            StackKit kit = use(StackKit.up());
            byte[] data = Frames.pattern(24);
            kit.receive(kit.echoRequestFromHost(5, 1, data));

            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();

            kit.receive(kit.arpReplyFrom(HOST_MAC, HOST_IP));
            IcmpMessage reply = kit.expectIcmp(HOST_MAC, HOST_IP);
            assertThat(reply.type()).isEqualTo(ICMP_ECHO_REPLY);
            assertThat(reply.identifier()).isEqualTo(5);
            assertThat(reply.data()).isEqualTo(data);
            kit.expectNothing();
        }

        @Test
        void queuedPacketsLeaveInOrderAndOnlyOneRequestIsSent() {
            StackKit kit = use(StackKit.up());
            for (int sequence = 1; sequence <= 3; sequence++) {
                kit.receive(kit.echoRequestFromHost(5, sequence, new byte[8]));
            }
            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();

            kit.receive(kit.arpReplyFrom(HOST_MAC, HOST_IP));
            for (int sequence = 1; sequence <= 3; sequence++) {
                assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).sequence()).isEqualTo(sequence);
            }
            kit.expectNothing();
        }

        @Test
        void aFullQueueDropsTheOldestPacket() {
            StackKit kit = use(StackKit.up());
            int queued = ArpCache.MAX_PENDING + 1;
            for (int sequence = 1; sequence <= queued; sequence++) {
                kit.receive(kit.echoRequestFromHost(5, sequence, new byte[8]));
            }
            kit.expectArpRequestFor(HOST_IP);
            assertThat(kit.core.drops().get("arp.queue-full")).isEqualTo(1);

            kit.receive(kit.arpReplyFrom(HOST_MAC, HOST_IP));
            for (int sequence = 2; sequence <= queued; sequence++) {
                assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).sequence()).isEqualTo(sequence);
            }
            kit.expectNothing();
        }

        @Test
        void requestsAreRetriedEverySecondAndGivenUpAfterThree() {
            StackKit kit = use(StackKit.up());
            kit.receive(kit.echoRequestFromHost(5, 1, new byte[8]));
            kit.receive(kit.echoRequestFromHost(5, 2, new byte[8]));
            kit.expectArpRequestFor(HOST_IP);

            kit.advance(millis(999));
            kit.expectNothing();
            kit.advance(millis(1));
            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();
            kit.advance(seconds(1));
            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();
            assertThat(kit.core.drops().get("arp.unresolved")).isZero();

            kit.advance(seconds(1));
            kit.expectNothing();
            assertThat(kit.core.drops().get("arp.unresolved")).isEqualTo(2);

            kit.advance(seconds(10));
            kit.expectNothing();
        }

        @Test
        void aLateReplyAfterGivingUpSendsNothing() {
            StackKit kit = use(StackKit.up());
            kit.receive(kit.echoRequestFromHost(5, 1, new byte[8]));
            kit.expectArpRequestFor(HOST_IP);
            kit.advance(seconds(1));
            kit.advance(seconds(1));
            kit.advance(seconds(1));
            kit.expectArpRequestFor(HOST_IP);
            kit.expectArpRequestFor(HOST_IP);

            kit.receive(kit.arpReplyFrom(HOST_MAC, HOST_IP));
            kit.expectNothing();
            assertThat(kit.core.arpTable(kit.now)).hasSize(1);
        }

        @Test
        void resolutionStartsAfreshAfterGivingUp() {
            StackKit kit = use(StackKit.up());
            kit.receive(kit.echoRequestFromHost(5, 1, new byte[8]));
            kit.expectArpRequestFor(HOST_IP);
            for (int i = 0; i < 3; i++) {
                kit.advance(seconds(1));
            }
            kit.expectArpRequestFor(HOST_IP);
            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();

            kit.receive(kit.echoRequestFromHost(5, 2, new byte[8]));
            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();
        }

        @Test
        void aStaleNeighbourIsStillUsedWhileAUnicastProbeAsksForIt() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();

            kit.advance(Duration.ofSeconds(60).minusNanos(1));
            assertThat(kit.core.arpTable(kit.now)).singleElement()
                    .extracting(ArpEntry::remaining).isEqualTo(Duration.ofNanos(1));
            kit.receive(kit.echoRequestFromHost(1, 1, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);
            kit.expectNothing();

            kit.advance(Duration.ofNanos(1));
            assertThat(kit.core.arpTable(kit.now)).singleElement()
                    .extracting(ArpEntry::remaining).isEqualTo(Duration.ZERO);
            kit.receive(kit.echoRequestFromHost(1, 2, new byte[8]));
            assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).sequence()).as("the reply does not wait").isEqualTo(2);
            kit.expectArpProbeOf(HOST_MAC, HOST_IP);
            kit.receive(kit.echoRequestFromHost(1, 3, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);
            kit.expectNothing(); // one probe at a time

            kit.receive(kit.arpReplyFrom(HOST_MAC, HOST_IP));
            assertThat(kit.core.arpTable(kit.now)).singleElement()
                    .extracting(ArpEntry::remaining).isEqualTo(Duration.ofSeconds(60));
            kit.advance(seconds(5));
            kit.expectNothing();
            assertThat(kit.core.drops().get("arp.neighbour-gone")).isZero();
        }

        @Test
        void aStaleNeighbourThatIgnoresThreeProbesIsForgotten() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.advance(seconds(60));
            kit.receive(kit.echoRequestFromHost(1, 1, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);
            kit.expectArpProbeOf(HOST_MAC, HOST_IP);

            kit.advance(millis(999));
            kit.expectNothing();
            kit.advance(millis(1));
            kit.expectArpProbeOf(HOST_MAC, HOST_IP);
            kit.advance(seconds(1));
            kit.expectArpProbeOf(HOST_MAC, HOST_IP);
            kit.expectNothing();
            assertThat(kit.core.arpTable(kit.now)).hasSize(1);

            kit.advance(seconds(1));
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
            assertThat(kit.core.drops().get("arp.neighbour-gone")).isEqualTo(1);
            kit.receive(kit.echoRequestFromHost(1, 2, new byte[8]));
            kit.expectArpRequestFor(HOST_IP); // resolved afresh, the reply waits for it
            kit.expectNothing();
        }

        @Test
        void aStaleNeighbourIsProbedEvenBeforeTheNextTick() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.now += seconds(60).toNanos(); // no tick

            kit.receive(kit.echoRequestFromHost(1, 1, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);
            kit.expectArpProbeOf(HOST_MAC, HOST_IP);
            kit.expectNothing();
        }

        @Test
        void aStaleNeighbourNobodySendsToIsForgottenAfterAnotherMinute() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.advance(seconds(60));
            assertThat(kit.core.arpTable(kit.now)).hasSize(1);
            kit.advance(Duration.ofSeconds(60).minusNanos(1));
            assertThat(kit.core.arpTable(kit.now)).hasSize(1);
            kit.advance(Duration.ofNanos(1));
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
            kit.expectNothing();
        }

        @Test
        void aNewRequestFromTheHostRefreshesItsEntry() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.advance(seconds(50));
            kit.hostResolvesUs();
            kit.advance(seconds(50));

            kit.receive(kit.echoRequestFromHost(1, 1, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);
            kit.expectNothing();
        }

        @Test
        void theNeighbourTableIsBounded() {
            StackKit kit = use(StackKit.up());
            int first = Frames.ip("10.0.0.0");
            kit.reconfigure(StackKit.settings("10.255.255.254", 8, null));
            kit.expectArp(BROADCAST_MAC);
            for (int i = 1; i <= ArpCache.MAX_ENTRIES + 1; i++) {
                long mac = 0x52_54_00_00_00_00L + i;
                kit.advance(millis(1));
                kit.receive(Frames.ethernet(BROADCAST_MAC, mac, ETHERTYPE_ARP,
                        Frames.arp(ARP_REQUEST, mac, first + i, 0, kit.ourIp)));
                kit.device.releaseAll();
            }
            assertThat(kit.core.arpTable(kit.now)).hasSize(ArpCache.MAX_ENTRIES)
                    .extracting(ArpEntry::address).doesNotContain(StackKit.inet("10.0.0.1"))
                    .contains(StackKit.inet("10.0.0.2"), StackKit.inet("10.0.4.1"));
        }

        @Test
        void timersWorkAcrossNanoTimeOverflow() {
            StackKit kit = use(StackKit.up(StackKit.settings("192.168.1.1", 24, null), Long.MAX_VALUE - 1_500_000_000L));
            kit.hostResolvesUs();
            kit.receive(kit.echoRequestFromHost(1, 1, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);

            kit.advance(seconds(59));
            assertThat(kit.core.arpTable(kit.now)).singleElement()
                    .extracting(ArpEntry::remaining).isEqualTo(Duration.ofSeconds(1));
            kit.advance(seconds(1));
            assertThat(kit.core.arpTable(kit.now)).singleElement()
                    .extracting(ArpEntry::remaining).isEqualTo(Duration.ZERO);
            kit.advance(seconds(60));
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
        }
    }

    @Nested
    class Ping {
        @Test
        void requestGoesOutAndTheReplyCompletesWithTheRoundTripTime() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), rtt);

            IcmpMessage request = kit.expectIcmp(HOST_MAC, HOST_IP);
            assertThat(request.type()).isEqualTo(ICMP_ECHO_REQUEST);
            assertThat(request.identifier()).isEqualTo(ECHO_ID);
            assertThat(request.sequence()).isEqualTo(1);
            assertThat(request.data()).hasSize(56);
            kit.expectNothing();
            assertThat(rtt).isNotDone();

            kit.advance(Duration.ofNanos(1_500_000));
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1,
                    Frames.icmpEcho(ICMP_ECHO_REPLY, request.identifier(), request.sequence(), request.data()))));

            assertThat(rtt).isCompletedWithValue(Duration.ofNanos(1_500_000));
            kit.expectNothing();
            assertThat(kit.core.drops().snapshot()).isEmpty();
        }

        @Test
        void sequenceNumbersAdvance() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), new CompletableFuture<>());
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), new CompletableFuture<>());

            assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).sequence()).isEqualTo(1);
            assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).sequence()).isEqualTo(2);
            kit.expectNothing();
        }

        @Test
        void unansweredPingTimesOutAfterTheDeadline() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(HOST_IP, kit.now, seconds(2).toNanos(), rtt);
            IcmpMessage request = kit.expectIcmp(HOST_MAC, HOST_IP);

            kit.advance(Duration.ofSeconds(2).minusNanos(1));
            assertThat(rtt).isNotDone();
            kit.advance(Duration.ofNanos(1));
            assertThat(rtt).isCompletedExceptionally();
            assertThat(rtt.exceptionNow()).isInstanceOf(TimeoutException.class);

            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1,
                    Frames.icmpEcho(ICMP_ECHO_REPLY, request.identifier(), request.sequence(), request.data()))));
            assertThat(kit.core.drops().get("icmp.unexpected-echo-reply")).isEqualTo(1);
            kit.expectNothing();
        }

        @Test
        void replyWithAnotherIdentifierDoesNotComplete() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), rtt);
            IcmpMessage request = kit.expectIcmp(HOST_MAC, HOST_IP);

            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1,
                    Frames.icmpEcho(ICMP_ECHO_REPLY, ECHO_ID + 1, request.sequence(), request.data()))));
            assertThat(rtt).isNotDone();
            assertThat(kit.core.drops().get("icmp.unexpected-echo-reply")).isEqualTo(1);
        }

        @Test
        void pingToAnUnknownNeighbourResolvesItFirst() {
            StackKit kit = use(StackKit.up());
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), rtt);
            kit.expectArpRequestFor(HOST_IP);
            kit.expectNothing();

            kit.advance(millis(2));
            kit.receive(kit.arpReplyFrom(HOST_MAC, HOST_IP));
            IcmpMessage request = kit.expectIcmp(HOST_MAC, HOST_IP);
            kit.advance(millis(1));
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1,
                    Frames.icmpEcho(ICMP_ECHO_REPLY, request.identifier(), request.sequence(), request.data()))));

            assertThat(rtt).isCompletedWithValue(Duration.ofMillis(3));
        }

        @Test
        void outstandingPingsAreBoundedOldestFailsFirst() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            java.util.List<CompletableFuture<Duration>> pings = new java.util.ArrayList<>();
            for (int i = 0; i <= EchoRequests.MAX_OUTSTANDING; i++) {
                CompletableFuture<Duration> rtt = new CompletableFuture<>();
                pings.add(rtt);
                kit.core.ping(HOST_IP, kit.now + i, seconds(10).toNanos(), rtt);
            }
            kit.device.releaseAll();

            assertThat(pings.get(0)).isCompletedExceptionally();
            assertThat(pings.subList(1, pings.size())).allSatisfy(rtt -> assertThat(rtt).isNotDone());
        }

        @Test
        void offLinkWithoutGatewayFailsAtOnceAndSendsNothing() {
            StackKit kit = use(StackKit.up());
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(Frames.ip("10.0.0.1"), kit.now, seconds(1).toNanos(), rtt);

            assertThat(rtt).isCompletedExceptionally();
            assertThat(rtt.exceptionNow()).hasMessageContaining("no route to 10.0.0.1");
            kit.expectNothing();
        }

        @Test
        void offLinkWithGatewayResolvesTheGatewaysMac() {
            StackKit kit = use(StackKit.up(StackKit.settings("192.168.1.1", 24, "192.168.1.254")));
            int farAway = Frames.ip("203.0.113.7");
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(farAway, kit.now, seconds(1).toNanos(), rtt);

            kit.expectArpRequestFor(GATEWAY_IP);
            kit.expectNothing();
            kit.receive(kit.arpReplyFrom(GATEWAY_MAC, GATEWAY_IP));
            IcmpMessage request = kit.expectIcmp(GATEWAY_MAC, farAway);
            assertThat(request.type()).isEqualTo(ICMP_ECHO_REQUEST);
            kit.expectNothing();

            kit.receive(Frames.ethernet(OUR_MAC, GATEWAY_MAC, ETHERTYPE_IPV4, Frames.ipv4(farAway, OUR_IP, 1,
                    Frames.icmpEcho(ICMP_ECHO_REPLY, request.identifier(), request.sequence(), request.data()))));
            assertThat(rtt).isCompletedWithValue(Duration.ZERO);
        }

        @Test
        void echoRequestFromOffLinkIsAnsweredThroughTheGateway() {
            StackKit kit = use(StackKit.up(StackKit.settings("192.168.1.1", 24, "192.168.1.254")));
            kit.receive(kit.arpReplyFrom(GATEWAY_MAC, GATEWAY_IP));
            int farAway = Frames.ip("203.0.113.7");
            kit.receive(Frames.ethernet(OUR_MAC, GATEWAY_MAC, ETHERTYPE_IPV4, Frames.ipv4(farAway, OUR_IP, 1,
                    Frames.icmpEcho(ICMP_ECHO_REQUEST, 3, 4, new byte[16]))));

            assertThat(kit.expectIcmp(GATEWAY_MAC, farAway).type()).isEqualTo(ICMP_ECHO_REPLY);
            kit.expectNothing();
        }

        @Test
        void pingWhileDetachedFails() {
            StackKit kit = use(StackKit.detached());
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), rtt);
            assertThat(rtt).isCompletedExceptionally();
            kit.expectNothing();
        }

        @Test
        void closeFailsOutstandingPings() {
            StackKit kit = use(StackKit.up());
            CompletableFuture<Duration> rtt = new CompletableFuture<>();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), rtt);
            kit.core.close(kit.now);
            assertThat(rtt).isCompletedExceptionally();
        }

        @Test
        void requestPayloadCarriesTheSendTime() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.core.ping(HOST_IP, kit.now, seconds(1).toNanos(), new CompletableFuture<>());
            byte[] data = kit.expectIcmp(HOST_MAC, HOST_IP).data();
            assertThat(ByteBuffer.wrap(data).getLong()).isEqualTo(kit.now);
        }
    }

    @Nested
    class TcpActivity {
        /** A TCP engine stand-in that keeps count of the segments it got. */
        private final class CountingTcp implements TcpHandler {
            int segments;

            @Override
            public void receive(int source, int destination, ByteBuf segment, long now) {
                segments++;
                segment.release();
            }

            @Override
            public void tick(long now) {}

            @Override
            public long nextDeadline() {
                return Long.MAX_VALUE;
            }

            @Override
            public void pathMtuChanged(int remote, int mtu, long now) {}

            @Override
            public java.util.List<io.multistack.api.stack.ConnectionInfo> connections(long now) {
                return java.util.List.of();
            }

            @Override
            public void close(long now) {}
        }

        @Test
        void onlyFramesThatReachTcpReportActivityAndAskingResetsIt() {
            StackKit kit = use(StackKit.up());
            CountingTcp tcp = new CountingTcp();
            kit.core.tcp(tcp);
            kit.hostResolvesUs();
            kit.core.takeTcpActivity();

            kit.receive(kit.echoRequestFromHost(1, 1, new byte[8]));
            kit.expectIcmp(HOST_MAC, HOST_IP);
            assertThat(kit.core.takeTcpActivity()).as("after an echo").isFalse();

            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 6, new byte[20])));
            assertThat(tcp.segments).isEqualTo(1);
            assertThat(kit.core.takeTcpActivity()).as("after a segment").isTrue();
            assertThat(kit.core.takeTcpActivity()).as("asked again").isFalse();
        }
    }

    @Nested
    class AddressRules {
        @Test
        void aDirectedBroadcastSourceIsDroppedNotAnsweredToEveryone() {
            StackKit kit = use(StackKit.up());
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(Frames.ip("192.168.1.255"),
                    OUR_IP, 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]))));
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(Frames.ip("192.168.1.255"),
                    OUR_IP, 17, Frames.udp(Frames.ip("192.168.1.255"), OUR_IP, 1000, 9, new byte[4]))));

            kit.expectNothing();
            assertThat(kit.core.drops().get("ipv4.bad-source")).isEqualTo(2);
        }

        @Test
        void aSlash31PeerIsResolvedByArpLikeAnyHost() {
            StackKit kit = use(StackKit.up(StackKit.settings("10.1.2.2", 31, null)));
            int peer = Frames.ip("10.1.2.3");
            kit.core.ping(peer, kit.now, seconds(1).toNanos(), new CompletableFuture<>());

            kit.expectArpRequestFor(peer);
            kit.expectNothing();
        }

        @Test
        void pingToTheSubnetBroadcastGoesToTheEthernetBroadcast() {
            StackKit kit = use(StackKit.up());
            kit.core.ping(Frames.ip("192.168.1.255"), kit.now, seconds(1).toNanos(), new CompletableFuture<>());

            assertThat(kit.expectIcmp(BROADCAST_MAC, Frames.ip("192.168.1.255")).type()).isEqualTo(ICMP_ECHO_REQUEST);
            kit.expectNothing();
        }
    }

    @Nested
    class BadInput {
        private void assertDroppedAs(String reason) {
            kit.expectNothing();
            assertThat(kit.core.drops().snapshot()).containsOnlyKeys(reason).containsEntry(reason, 1L);
        }

        @Test
        void truncatedEthernet() {
            use(StackKit.up()).receive(new byte[13]);
            assertDroppedAs("ethernet.truncated");
        }

        @Test
        void emptyFrame() {
            use(StackKit.up()).receive(new byte[0]);
            assertDroppedAs("ethernet.truncated");
        }

        @Test
        void unsupportedEtherType() {
            use(StackKit.up()).receive(Frames.ethernet(OUR_MAC, HOST_MAC, Frames.ETHERTYPE_IPV6, new byte[40]));
            assertDroppedAs("ethernet.unsupported-type");
        }

        @Test
        void truncatedArp() {
            use(StackKit.up()).receive(Frames.ethernet(BROADCAST_MAC, HOST_MAC, ETHERTYPE_ARP,
                    Arrays.copyOf(Frames.arp(ARP_REQUEST, HOST_MAC, HOST_IP, 0, OUR_IP), 27)));
            assertDroppedAs("arp.truncated");
        }

        @Test
        void badIpv4Checksum() {
            byte[] packet = Frames.ipv4(HOST_IP, OUR_IP, 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]));
            packet[10] ^= 0x01;
            use(StackKit.up()).receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, packet));
            assertDroppedAs("ipv4.bad-checksum");
        }

        @Test
        void truncatedIpv4() {
            byte[] packet = Frames.ipv4(HOST_IP, OUR_IP, 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]));
            use(StackKit.up()).receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4,
                    Arrays.copyOf(packet, packet.length - 1)));
            assertDroppedAs("ipv4.truncated");
        }

        @Test
        void ipv4HeaderLengthBelowTwenty() {
            byte[] packet = Frames.ipv4(HOST_IP, OUR_IP, 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]));
            packet[0] = 0x44;
            use(StackKit.up()).receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, packet));
            assertDroppedAs("ipv4.bad-header-length");
        }

        @Test
        void notIpv4() {
            byte[] packet = Frames.ipv4(HOST_IP, OUR_IP, 1, Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]));
            packet[0] = 0x65;
            use(StackKit.up()).receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, packet));
            assertDroppedAs("ipv4.bad-version");
        }

        @Test
        void badIcmpChecksum() {
            byte[] icmp = Frames.icmpEcho(ICMP_ECHO_REQUEST, 1, 1, new byte[8]);
            icmp[8] ^= 0x40;
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1, icmp)));
            assertDroppedAs("icmp.bad-checksum");
        }

        @Test
        void truncatedIcmp() {
            use(StackKit.up()).receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4,
                    Frames.ipv4(HOST_IP, OUR_IP, 1, new byte[4])));
            assertDroppedAs("icmp.truncated");
        }

        @Test
        void frameForAnotherMacIsIgnored() {
            StackKit kit = use(StackKit.up());
            kit.receive(Frames.ethernet(STRANGER_MAC, HOST_MAC, ETHERTYPE_ARP,
                    Frames.arp(ARP_REQUEST, HOST_MAC, HOST_IP, 0, OUR_IP)));
            assertDroppedAs("ethernet.not-for-us");
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
        }

        @Test
        void framesWhileDetachedAreCountedAsStackDown() {
            StackKit kit = use(StackKit.detached());
            kit.receive(kit.arpRequestFromHost(OUR_IP));
            kit.receive(new byte[3]);
            kit.expectNothing();
            assertThat(kit.core.drops().snapshot()).containsOnly(java.util.Map.entry("stack.down", 2L));
            assertThat(kit.core.arpTable(kit.now)).isEmpty();
        }

        @Test
        void framesAfterDetachAreCountedAsStackDown() {
            StackKit kit = use(StackKit.up());
            kit.core.detach();
            kit.receive(kit.arpRequestFromHost(OUR_IP));
            assertDroppedAs("stack.down");
        }

        @Test
        void garbageOfEveryLengthNeverThrowsAndIsAlwaysReleased() {
            StackKit kit = use(StackKit.up());
            kit.hostResolvesUs();
            byte[] valid = kit.echoRequestFromHost(1, 1, Frames.pattern(20));
            for (int length = 0; length <= valid.length; length++) {
                kit.receive(Arrays.copyOf(valid, length));
            }
            java.util.Random random = new java.util.Random(42);
            for (int i = 0; i < 500; i++) {
                byte[] mutated = valid.clone();
                mutated[14 + random.nextInt(mutated.length - 14)] = (byte) random.nextInt(256);
                kit.receive(mutated);
            }
            kit.device.releaseAll();
            assertThat(kit.core.framesIn()).isEqualTo(2 + valid.length + 500);
        }
    }
}
