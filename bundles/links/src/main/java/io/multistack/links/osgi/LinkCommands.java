package io.multistack.links.osgi;

import io.multistack.api.link.Link;
import io.multistack.links.LinkCounters;
import io.multistack.links.NativeLink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code link:list}: every link service (native ones with state and counters, others by name and MTU). */
@Component(service = LinkCommands.class, property = {"osgi.command.scope=link", "osgi.command.function=list"})
public final class LinkCommands {
    private final List<Link> links = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLink(Link link) {
        links.add(link);
    }

    void removeLink(Link link) {
        links.remove(link);
    }

    @Descriptor("lists the links (trunks and whole interfaces) with state, MTU and counters")
    public String list() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "TYPE", "INTERFACE", "STATE", "USED-BY", "MTU", "FRAMES-IN", "BYTES-IN", "FRAMES-OUT",
                "BYTES-OUT", "ERRORS", "DROPS", "DOWNS", "LAST-ERROR"});
        for (Link link : links.stream().sorted(Comparator.comparing(Link::name)).toList()) {
            if (link instanceof NativeLink nativeLink) {
                LinkCounters.Snapshot c = nativeLink.counters();
                rows.add(cells(link.name(), nativeLink.type().key(), nativeLink.interfaceName(), nativeLink.linkState(),
                        usedBy(link), link.mtu(), c.framesIn(), c.bytesIn(), c.framesOut(), c.bytesOut(), c.errors(), c.drops(),
                        c.downs(), nativeLink.lastError().isEmpty() ? "-" : nativeLink.lastError()));
            } else {
                rows.add(cells(link.name(), "memory", "-", link.state(), usedBy(link), link.mtu(), "-", "-", "-", "-", "-", "-", "-", "-"));
            }
        }
        return format(rows);
    }

    private static String usedBy(Link link) {
        String owner = link.owner();
        return owner == null ? "-" : owner;
    }

    private static String[] cells(Object... values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = String.valueOf(values[i]);
        }
        return text;
    }

    /** Left-aligned columns sized to their widest cell. */
    static String format(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]).append(" ".repeat(i < columns - 1 ? widths[i] - row[i].length() + 2 : 0));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
