package io.multistack.itest;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

/** Loopback UDP ports for the appliance's VXLAN endpoint, so tests never touch port 4789's default. */
public final class FreePort {
    private FreePort() {}

    public static int udp() throws SocketException {
        try (DatagramSocket probe = new DatagramSocket(loopback(0))) {
            return probe.getLocalPort();
        }
    }

    /** Whether something already listens on 127.0.0.1:{@code port} (UDP). */
    public static boolean isBound(int port) {
        try (DatagramSocket probe = new DatagramSocket(loopback(port))) {
            return false;
        } catch (SocketException taken) {
            return true;
        }
    }

    public static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
