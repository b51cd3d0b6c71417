package io.multistack.links;

import io.multistack.links.sys.AuxData;
import io.multistack.links.sys.Errno;
import io.multistack.links.sys.InterfaceControl;
import io.multistack.links.sys.Libc;
import io.multistack.links.sys.MsgHdr;
import io.multistack.links.sys.SockaddrLl;
import io.multistack.links.sys.SyscallException;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An AF_PACKET raw socket bound to one existing interface. Received frames whose 802.1Q tag
 * the kernel stripped (reported in PACKET_AUXDATA) get the tag back; frames that kept their
 * tag pass unchanged, so the link always delivers frames as they were on the wire.
 */
final class PacketPort implements Port {
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    /** Room for bursts while the reader thread is off the CPU (the default ~200 KiB overflows at once). */
    static final int RECEIVE_BUFFER = 4 << 20;

    private final int fd;
    private final int ifindex;
    private final int mtu;
    private final Arena arena = Arena.ofShared();
    private final MsgHdr message = new MsgHdr(arena);
    private final MemorySegment readErrno = Libc.allocateErrnoState(arena);
    private final ThreadLocal<MemorySegment> writeErrno = ThreadLocal.withInitial(
            () -> Libc.allocateErrnoState(Arena.ofAuto()));

    private PacketPort(int fd, int ifindex, int mtu) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.mtu = mtu;
    }

    static PacketPort open(String name, int requestedMtu) throws SyscallException {
        int ifindex = Libc.ifNameToIndex(name);
        if (!InterfaceControl.isUp(name)) {
            // bind would succeed and every read fail with ENETDOWN: wait (with back-off) for it to come up instead
            throw new SyscallException("open " + name + " (interface is down)", Errno.ENETDOWN);
        }
        // Protocol 0 receives nothing until bind names the interface: no frames of other interfaces slip in.
        int fd = Libc.socket(SockaddrLl.AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        try (Arena bind = Arena.ofConfined()) {
            Libc.setsockoptInt(fd, AuxData.SOL_PACKET, AuxData.PACKET_AUXDATA, 1, "PACKET_AUXDATA");
            try {
                Libc.setsockoptInt(fd, AuxData.SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            } catch (SyscallException olderKernel) {
                // receive() drops our own frames by packet type instead
            }
            enlargeReceiveBuffer(fd);
            Libc.bind(fd, SockaddrLl.bindAll(bind, ifindex));
            return new PacketPort(fd, ifindex, requestedMtu > 0 ? requestedMtu : InterfaceControl.mtu(name));
        } catch (SyscallException | RuntimeException failed) {
            Libc.close(fd);
            throw failed;
        }
    }

    private static void enlargeReceiveBuffer(int fd) {
        try {
            Libc.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER, "SO_RCVBUFFORCE");
        } catch (SyscallException notAdmin) {
            try {
                Libc.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER, "SO_RCVBUF"); // capped by rmem_max
            } catch (SyscallException ignored) {
                // the default buffer still works, it only drops more under bursts
            }
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean receive(ByteBuf buffer) throws SyscallException {
        int at = buffer.writerIndex();
        int room = buffer.writableBytes();
        MemorySegment into = Frames.segment(buffer, at, room);
        while (true) {
            long length;
            try {
                length = Libc.recvmsg(fd, message.prepare(into), Libc.MSG_TRUNC | Libc.MSG_DONTWAIT, readErrno);
            } catch (SyscallException e) {
                if (e.wouldBlock()) {
                    return false;
                }
                throw e;
            }
            int type = SockaddrLl.pktType(message.address());
            if (type == SockaddrLl.PACKET_OUTGOING || SockaddrLl.ifindex(message.address()) != ifindex) {
                continue;
            }
            if (length > room || (message.flags() & Libc.MSG_TRUNC) != 0) {
                throw new OversizeFrameException(length);
            }
            buffer.writerIndex(at + (int) length);
            AuxData tag = message.auxData();
            if (tag != null) {
                Frames.reinsertTag(buffer, tag.tpid(), tag.tci());
            }
            return true;
        }
    }

    @Override
    public void send(ByteBuf frame) throws SyscallException {
        int length = frame.readableBytes();
        Libc.send(fd, Frames.segment(frame, frame.readerIndex(), length), length, writeErrno.get());
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
