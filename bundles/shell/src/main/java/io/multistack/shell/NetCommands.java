package io.multistack.shell;

import io.multistack.api.stack.ArpEntry;
import io.multistack.api.stack.ConnectionInfo;
import io.multistack.api.stack.TenantStack;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code net:ping}, {@code net:arp}, {@code net:conns} and {@code net:send}: looking into one
 * tenant's network from its own stack.
 */
@Component(service = NetCommands.class, property = {"osgi.command.scope=net", "osgi.command.function=ping",
        "osgi.command.function=arp", "osgi.command.function=conns", "osgi.command.function=send"})
public final class NetCommands {
    static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    static final Duration PING_INTERVAL = Duration.ofMillis(200);
    static final int MAX_COUNT = 1000;
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    private final Tenants tenants;

    @Activate
    public NetCommands(@Reference Tenants tenants) {
        this.tenants = tenants;
    }

    @Descriptor("sends ICMP echo requests from a tenant's stack into its network")
    public String ping(@Descriptor("tenant name") String tenant, @Descriptor("IPv4 address") String address)
            throws Exception {
        return ping(tenant, address, 4);
    }

    @Descriptor("sends COUNT ICMP echo requests from a tenant's stack into its network")
    public String ping(@Descriptor("tenant name") String tenant, @Descriptor("IPv4 address") String address,
            @Descriptor("number of requests, 1..1000") int count) throws Exception {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count " + count + " is outside 1.." + MAX_COUNT);
        }
        TenantStack stack = tenants.get(tenant);
        Inet4Address target = ipv4(address);
        StringBuilder out = new StringBuilder("PING " + address + " from tenant " + tenant + " ("
                + stack.settings().cidr() + ")\n");
        int received = 0;
        for (int i = 1; i <= count; i++) {
            try {
                Duration rtt = stack.ping(target, PING_TIMEOUT).toCompletableFuture().join();
                received++;
                out.append(String.format(Locale.ROOT, "reply from %s: seq=%d time=%.3f ms%n", address, i,
                        rtt.toNanos() / 1e6));
            } catch (CompletionException failed) {
                Throwable cause = failed.getCause();
                out.append(cause instanceof TimeoutException ? "no reply: seq=" + i + " timed out\n"
                        : "failed: seq=" + i + " " + cause.getMessage() + "\n");
            }
            if (i < count) {
                Thread.sleep(PING_INTERVAL.toMillis());
            }
        }
        out.append(String.format(Locale.ROOT, "%d transmitted, %d received, %d%% loss%n", count, received,
                (count - received) * 100 / count));
        if (received == 0) {
            throw new IllegalStateException(out + "no reply from " + address);
        }
        return out.toString();
    }

    @Descriptor("shows a tenant's ARP cache")
    public String arp(@Descriptor("tenant name") String tenant) {
        Table table = new Table("ADDRESS", "MAC", "REACHABLE");
        for (ArpEntry entry : tenants.get(tenant).arpTable()) {
            Duration left = entry.remaining();
            // a stale neighbour is still used; the next packet to it checks with a unicast probe
            table.row(entry.address().getHostAddress(), entry.mac(),
                    left.isZero() ? "stale" : "for " + left.toSeconds() + " s");
        }
        return table.toString();
    }

    @Descriptor("shows a tenant's TCP listeners and connections, like ss -ti")
    public String conns(@Descriptor("tenant name") String tenant) {
        Table table = new Table("STATE", "LOCAL", "REMOTE", "RECV-Q", "SEND-Q", "CWND", "SSTHRESH", "RTT-MS",
                "RTTVAR-MS", "RTO-MS", "RETRANS", "MSS", "DETAILS");
        for (ConnectionInfo c : tenants.get(tenant).connections()) {
            boolean listener = "LISTEN".equals(c.state());
            table.row(c.state(), c.local(), c.remote(), c.receiveQueue(), c.sendQueue(), listener ? "-" : c.congestionWindow(),
                    listener ? "-" : c.slowStartThreshold(), listener ? "-" : millis(c.smoothedRttMicros()),
                    listener ? "-" : millis(c.rttVarianceMicros()), listener ? "-" : c.rtoMillis(),
                    listener ? "-" : c.retransmissions(), listener ? "-" : c.mss(), c.details());
        }
        return table.toString();
    }

    @Descriptor("opens a TCP connection from a tenant into its network, writes TEXT, closes its side and "
            + "prints what the peer answered before closing (the patent's push)")
    public String send(@Descriptor("tenant name") String tenant, @Descriptor("ADDRESS:PORT in the tenant's network")
            String target, @Descriptor("text to send (a newline is added)") String text) throws Exception {
        TenantStack stack = tenants.get(tenant);
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + target + "' is not ADDRESS:PORT");
        }
        Inet4Address address = ipv4(target.substring(0, colon));
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("'" + target + "' has no numeric port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        PushClient.Result result = PushClient.send(stack.transport(), new InetSocketAddress(address, port),
                text + "\n", SEND_TIMEOUT);
        StringBuilder out = new StringBuilder();
        out.append("connected from ").append(result.local()).append(" to ").append(target).append('\n');
        out.append("sent ").append(result.sent()).append(" bytes\n");
        if (!result.answer().isEmpty()) {
            out.append("answer (").append(result.answer().length()).append(" chars):\n").append(result.answer());
            if (!result.answer().endsWith("\n")) {
                out.append('\n');
            }
        }
        out.append(result.closedByPeer() ? "closed\n" : "closed (the peer had not closed within "
                + SEND_TIMEOUT.toSeconds() + " s)\n");
        return out.toString();
    }

    private static String millis(long micros) {
        return micros < 0 ? "-" : String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    private static Inet4Address ipv4(String text) throws Exception {
        if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}") || !(InetAddress.getByName(text) instanceof Inet4Address v4)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        return v4;
    }
}
