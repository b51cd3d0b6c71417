package io.multistack.bench;

import io.multistack.stack.core.StackCore;
import io.multistack.stack.tcp.IsnGenerator;
import io.multistack.stack.tcp.TcpEngine;
import io.multistack.stack.tcp.TcpSettings;
import io.multistack.stack.transport.TcpBinding;
import io.multistack.wire.Arp;
import io.multistack.wire.Ethernet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;

/**
 * Tenant A's stack as the appliance builds it (StackCore, TCP engine, binding; pooled
 * buffers) on a {@link Sink} device, with a virtual clock: {@link #now} only moves when a
 * benchmark moves it, so protocol code never sees the wall clock. The site host is known by
 * ARP from the start, as after the first exchange of a real site.
 */
public final class Tenant implements AutoCloseable {
    /** Our initial sequence number, fixed so that set-up can predict it. */
    public static final int ISS = 0x10000000;

    public final Sink device = new Sink();
    public final StackCore core;
    public final TcpEngine tcp;
    /** Virtual monotonic time in nanoseconds; not zero, as in a running appliance. */
    public long now = 5_000_000_000L;

    public Tenant() {
        core = new StackCore(Net.tenant(), PooledByteBufAllocator.DEFAULT, 0x6d73);
        TcpBinding binding = new TcpBinding(core);
        tcp = new TcpEngine(TcpSettings.defaults(), binding, IsnGenerator.fixed(ISS, new SplittableRandom(7)),
                PooledByteBufAllocator.DEFAULT);
        binding.engine(tcp);
        core.tcp(binding);
        core.attach(device, now);
        learnHost();
    }

    /**
     * The host asks for our MAC (we learn its MAC from the request and answer). ARP entries
     * live 60 s of virtual time: benchmarks call this again before each iteration.
     */
    public void learnHost() {
        ByteBuf request = Unpooled.buffer(Ethernet.HEADER_LENGTH + Arp.LENGTH);
        new Ethernet.Header(0xFFFF_FFFF_FFFFL, Net.HOST_MAC, Ethernet.TYPE_ARP).emit(request);
        new Arp(Arp.REQUEST, Net.HOST_MAC, Net.HOST_IP, 0, Net.TENANT_IP).emit(request);
        core.receive(request, now);
    }

    /** One received frame at the current virtual time; the stack releases it. */
    public void receive(ByteBuf frame) {
        core.receive(frame, now);
    }

    /**
     * Ends a piece of work as the tenant's loop does after draining its inbox or running a
     * task: it asks for the next TCP deadline, which is also where the ACKs a batch owes leave.
     */
    public long endBatch() {
        return core.nextTcpDeadline();
    }

    @Override
    public void close() {
        core.close(now);
        device.close();
    }
}
