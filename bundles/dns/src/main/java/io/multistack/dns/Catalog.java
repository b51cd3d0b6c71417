package io.multistack.dns;

import java.util.Comparator;
import java.util.List;

/** The zones one tenant serves, immutable: swapped whole when a zone file changes. */
record Catalog(List<Zone> zones) {
    static final Catalog EMPTY = new Catalog(List.of());

    Catalog {
        zones = zones.stream().sorted(Comparator.comparing(Zone::apex)).toList();
    }

    /** The zone with the longest apex that contains {@code name}, or null (then the answer is REFUSED). */
    Zone find(String name) {
        Zone best = null;
        for (Zone zone : zones) {
            if (Names.isAtOrBelow(name, zone.apex()) && (best == null || zone.apex().length() > best.apex().length())) {
                best = zone;
            }
        }
        return best;
    }

    Zone named(String apex) {
        return zones.stream().filter(zone -> zone.apex().equals(apex)).findFirst().orElse(null);
    }
}
