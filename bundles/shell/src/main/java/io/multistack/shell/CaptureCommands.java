package io.multistack.shell;

import io.multistack.api.stack.Capture;
import io.multistack.api.stack.FaultSettings;
import io.multistack.api.stack.TenantStack;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code net:capture} and {@code net:faults}: a tenant's link as seen on the wire, and a
 * lossy one for drills ({@code tc netem} is not available in this kernel).
 */
@Component(service = CaptureCommands.class, property = {"osgi.command.scope=net",
        "osgi.command.function=capture", "osgi.command.function=faults"})
public final class CaptureCommands {
    static final int DEFAULT_SECONDS = 10;
    static final int MAX_SECONDS = 3600;
    private static final List<String> DIRECTIONS = List.of("in", "out");
    private static final List<String> COUNTERS = List.of("dropped", "duplicated", "reordered", "corrupted", "delayed");

    private final Tenants tenants;
    /**
     * The settings this command gave each running stack (the stack API takes settings but does
     * not report them back); weak, so a removed tenant's stack takes its entry with it.
     */

    @Activate
    public CaptureCommands(@Reference Tenants tenants) {
        this.tenants = tenants;
    }

    @Descriptor("writes a tenant's frames, both directions, to a pcap file (tcpdump -r, Wireshark) for "
            + DEFAULT_SECONDS + " s, then prints how many were written")
    public String capture(
            @Descriptor("start the capture and return at once; it ends on its own")
            @Parameter(names = {"-b", "--background"}, presentValue = "true", absentValue = "false")
            boolean background,
            @Descriptor("tenant name") String tenant,
            @Descriptor("pcap file to create or overwrite (relative to the appliance's directory)") String file)
            throws Exception {
        return capture(background, tenant, file, DEFAULT_SECONDS);
    }

    @Descriptor("writes a tenant's frames, both directions, to a pcap file (tcpdump -r, Wireshark) for SECONDS, "
            + "then prints how many were written")
    public String capture(
            @Descriptor("start the capture and return at once; it ends on its own")
            @Parameter(names = {"-b", "--background"}, presentValue = "true", absentValue = "false")
            boolean background,
            @Descriptor("tenant name") String tenant,
            @Descriptor("pcap file to create or overwrite (relative to the appliance's directory)") String file,
            @Descriptor("how long, 1.." + MAX_SECONDS) int seconds) throws Exception {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("seconds " + seconds + " is outside 1.." + MAX_SECONDS);
        }
        TenantStack stack = tenants.get(tenant);
        Path path = Path.of(file).toAbsolutePath();
        Capture capture = stack.capture(path, Duration.ofSeconds(seconds));
        if (background) {
            return "capturing tenant " + tenant + " into " + path + " for " + seconds + " s\n";
        }
        try {
            Thread.sleep(Duration.ofSeconds(seconds));
        } finally {
            capture.close(); // also when the operator interrupts the command: the file stays readable
        }
        return capture.frames() + " frames of tenant " + tenant + " written to " + path + "\n";
    }

    @Descriptor("shows or sets the faults injected on a tenant's link, both directions. Without settings: shows "
            + "them with what they have done. Settings: drop=R duplicate=R reorder=R corrupt=R (rates 0..1), "
            + "delay=MS (0..10000), seed=N; those not named are 0 (seed 1, so a run reproduces). 'off' clears them")
    public String faults(@Descriptor("tenant name") String tenant,
            @Descriptor("NAME=VALUE settings, or off") String... settings) {
        TenantStack stack = tenants.get(tenant);
        if (settings.length == 0) {
            return report(stack, stack.faultSettings());
        }
        FaultSettings next = parse(settings);
        String before = next.isNone() ? report(stack, stack.faultSettings()) : "";
        stack.faults(next);
        if (next.isNone()) {
            return "faults off on tenant " + tenant + "; until now:\n" + before;
        }
        return report(stack, next);
    }

    static FaultSettings parse(String... settings) {
        if (settings.length == 1 && settings[0].equals("off")) {
            return FaultSettings.NONE;
        }
        double drop = 0;
        double duplicate = 0;
        double reorder = 0;
        double corrupt = 0;
        long delay = 0;
        long seed = 1;
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            String name = equals < 0 ? setting : setting.substring(0, equals);
            String value = equals < 0 ? "" : setting.substring(equals + 1);
            try {
                switch (name) {
                    case "drop" -> drop = Double.parseDouble(value);
                    case "duplicate" -> duplicate = Double.parseDouble(value);
                    case "reorder" -> reorder = Double.parseDouble(value);
                    case "corrupt" -> corrupt = Double.parseDouble(value);
                    case "delay" -> delay = Long.parseLong(value);
                    case "seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("'" + setting + "' is not a fault setting (drop=R "
                            + "duplicate=R reorder=R corrupt=R delay=MS seed=N, or off alone)");
                }
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("'" + setting + "': '" + value + "' is not a number");
            }
        }
        return new FaultSettings(drop, duplicate, reorder, corrupt, delay, seed);
    }

    /** The settings, and the stack's fault counters (statistics named faults.DIRECTION.WHAT) if it reports them. */
    private static String report(TenantStack stack, FaultSettings settings) {
        if (settings.isNone()) {
            return "no faults on tenant " + stack.name() + "\n";
        }
        StringBuilder out = new StringBuilder("faults on tenant " + stack.name() + ": " + describe(settings) + "\n");
        Map<String, Long> statistics = stack.statistics().drops();
        if (statistics.keySet().stream().noneMatch(key -> key.startsWith("faults."))) {
            return out.append("(the stack reports no fault counters)\n").toString();
        }
        Table table = new Table("DIRECTION", "DROPPED", "DUPLICATED", "REORDERED", "CORRUPTED", "DELAYED");
        for (String direction : DIRECTIONS) {
            Object[] row = new Object[1 + COUNTERS.size()];
            row[0] = direction;
            for (int i = 0; i < COUNTERS.size(); i++) {
                row[i + 1] = statistics.getOrDefault("faults." + direction + "." + COUNTERS.get(i), 0L);
            }
            table.row(row);
        }
        return out.append(table).toString();
    }

    static String describe(FaultSettings settings) {
        return "drop=" + rate(settings.drop()) + " duplicate=" + rate(settings.duplicate()) + " reorder="
                + rate(settings.reorder()) + " corrupt=" + rate(settings.corrupt()) + " delay="
                + settings.delayMillis() + " seed=" + settings.seed();
    }

    private static String rate(double rate) {
        return BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString();
    }
}
