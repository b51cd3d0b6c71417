package io.multistack.http;

import io.multistack.api.stack.TenantTransport;
import io.netty.channel.*;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.*;
import io.netty.channel.socket.nio.*;
import java.nio.file.*;
import java.time.Duration;

/**
 * The http server process's server (HttpServer, same pipeline and settings as in a tenant) on a
 * kernel loopback socket instead of a tenant transport: measures the HTTP layer alone, for
 * bench/http/layer. Arguments: WWW_FOLDER PORT.
 */
public class LoopbackHttp {
    public static void main(String[] args) throws Exception {
        Path www = Path.of(args[0]);
        EventLoop loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()).next();
        TenantTransport t = new TenantTransport() {
            public EventLoop eventLoop() { return loop; }
            public ChannelFactory<? extends ServerSocketChannel> serverChannels() { return NioServerSocketChannel::new; }
            public ChannelFactory<? extends SocketChannel> socketChannels() { return NioSocketChannel::new; }
            public ChannelFactory<? extends DatagramChannel> datagramChannels() { return NioDatagramChannel::new; }
        };
        HttpServer server = new HttpServer(t, new Site(new StaticRoot(www), new HttpSettings(Integer.parseInt(args[1]), 10000,
                Duration.ofSeconds(10), Duration.ofSeconds(60), 8192, 4096, 1 << 20, false),
                new AccessLog(Path.of(args[0], "..", "access.log")), new Timestamps()));
        server.start();
        System.out.println("ready " + server.status());
        Thread.sleep(Long.MAX_VALUE);
    }
}
