package io.multistack.links;

import io.multistack.links.sys.Ifreq;
import io.multistack.links.sys.InterfaceControl;
import io.multistack.links.sys.Libc;
import io.multistack.links.sys.SyscallException;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TAP interface created through /dev/net/tun (IFF_TAP, no packet information header).
 * It lives as long as its descriptor: closing the port deletes the interface.
 */
final class TapPort implements Port {
    static final long TUNSETIFF = 0x400454caL;
    static final int IFF_TAP = 0x0002;
    static final int IFF_NO_PI = 0x1000;
    private static final Logger LOG = System.getLogger("io.multistack.links");

    private final int fd;
    private final String name;
    private final int mtu;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readErrno = Libc.allocateErrnoState(arena);
    private final ThreadLocal<MemorySegment> writeErrno = ThreadLocal.withInitial(
            () -> Libc.allocateErrnoState(Arena.ofAuto()));

    private TapPort(int fd, String name, int mtu) {
        this.fd = fd;
        this.name = name;
        this.mtu = mtu;
    }

    /** Creates (or attaches to a persistent) TAP called {@code name}, sets the MTU when asked and brings it up. */
    static TapPort open(String name, int requestedMtu) throws SyscallException {
        int fd = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        try (Arena request = Arena.ofConfined()) {
            Ifreq ifreq = Ifreq.allocate(request, name).flags(IFF_TAP | IFF_NO_PI);
            Libc.ioctl(fd, TUNSETIFF, ifreq.segment(), "TUNSETIFF " + name);
            String created = ifreq.name();
            if (requestedMtu > 0) {
                InterfaceControl.setMtu(created, requestedMtu);
            }
            quietIpv6(created);
            try {
                InterfaceControl.bringUp(created);
            } catch (SyscallException notUp) {
                LOG.log(Level.WARNING, "TAP {0} created but not up ({1}): run 'ip link set {0} up'", created,
                        notUp.getMessage());
            }
            return new TapPort(fd, created, requestedMtu > 0 ? requestedMtu : InterfaceControl.mtu(created));
        } catch (SyscallException | RuntimeException failed) {
            Libc.close(fd);
            throw failed;
        }
    }

    /**
     * The TAP is a pure layer-2 port of the appliance: without this the host's kernel sends
     * router solicitations and MLD reports into it, which arrive here as stray frames.
     */
    private static void quietIpv6(String name) {
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6"), "1");
        } catch (IOException | RuntimeException noIpv6) {
            // IPv6 absent or /proc read-only: the frames are merely noise
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean receive(ByteBuf buffer) throws SyscallException {
        int at = buffer.writerIndex();
        try {
            long length = Libc.read(fd, Frames.segment(buffer, at, buffer.writableBytes()), buffer.writableBytes(),
                    readErrno);
            buffer.writerIndex(at + (int) length);
            return true;
        } catch (SyscallException e) {
            if (e.wouldBlock()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void send(ByteBuf frame) throws SyscallException {
        int length = frame.readableBytes();
        Libc.write(fd, Frames.segment(frame, frame.readerIndex(), length), length, writeErrno.get());
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
