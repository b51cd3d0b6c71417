package io.multistack.access;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * Native epoll when its classes and library are present (Linux), NIO otherwise. The epoll
 * package is an optional import, so every reference to it stays behind {@link #epoll()}.
 */
final class UdpTransport {
    private static final boolean EPOLL = probeEpoll();

    private UdpTransport() {}

    static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? Epoll.ioHandlerFactory() : NioIoHandler.newFactory();
    }

    static ChannelFactory<? extends DatagramChannel> channelFactory() {
        return EPOLL ? Epoll.channelFactory() : NioDatagramChannel::new;
    }

    static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    static boolean epoll() {
        return EPOLL;
    }

    private static boolean probeEpoll() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError absent) {
            return false;
        }
    }

    /** Kept in its own class so that loading {@link UdpTransport} never needs the epoll package. */
    private static final class Epoll {
        static IoHandlerFactory ioHandlerFactory() {
            return io.netty.channel.epoll.EpollIoHandler.newFactory();
        }

        static ChannelFactory<? extends DatagramChannel> channelFactory() {
            return io.netty.channel.epoll.EpollDatagramChannel::new;
        }
    }
}
