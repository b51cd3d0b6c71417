package io.multistack.links.sys;

import java.lang.foreign.Arena;

/** Interface settings through ioctls on a throw-away datagram socket (what {@code ip link set} does). */
public final class InterfaceControl {
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final int IFF_UP = 0x1;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;

    private InterfaceControl() {}

    public static void bringUp(String name) throws SyscallException {
        int socket = Libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            Ifreq request = Ifreq.allocate(arena, name);
            Libc.ioctl(socket, SIOCGIFFLAGS, request.segment(), "SIOCGIFFLAGS " + name);
            request.flags(request.flags() | IFF_UP);
            Libc.ioctl(socket, SIOCSIFFLAGS, request.segment(), "SIOCSIFFLAGS " + name);
        } finally {
            Libc.close(socket);
        }
    }

    /** Whether the interface is administratively up ({@code IFF_UP}); a packet socket on a down one only errs. */
    public static boolean isUp(String name) throws SyscallException {
        int socket = Libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            Ifreq request = Ifreq.allocate(arena, name);
            Libc.ioctl(socket, SIOCGIFFLAGS, request.segment(), "SIOCGIFFLAGS " + name);
            return (request.flags() & IFF_UP) != 0;
        } finally {
            Libc.close(socket);
        }
    }

    public static void setMtu(String name, int mtu) throws SyscallException {
        int socket = Libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(socket, SIOCSIFMTU, Ifreq.allocate(arena, name).mtu(mtu).segment(), "SIOCSIFMTU " + name);
        } finally {
            Libc.close(socket);
        }
    }

    public static int mtu(String name) throws SyscallException {
        int socket = Libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            Ifreq request = Ifreq.allocate(arena, name);
            Libc.ioctl(socket, SIOCGIFMTU, request.segment(), "SIOCGIFMTU " + name);
            return request.mtu();
        } finally {
            Libc.close(socket);
        }
    }
}
