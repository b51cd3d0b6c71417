package io.multistack.demux;

import io.multistack.api.flow.VlanRow;
import java.util.concurrent.atomic.LongAdder;

/** The frame and byte counters of one row of the lower mapping. */
final class PortCounters {
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder drops = new LongAdder();

    void in(int bytes) {
        framesIn.increment();
        bytesIn.add(bytes);
    }

    void out(int bytes) {
        framesOut.increment();
        bytesOut.add(bytes);
    }

    void drop() {
        drops.increment();
    }

    VlanRow row(String link, int vlan, String tenant, String state) {
        return new VlanRow(link, vlan, tenant, state, framesIn.sum(), bytesIn.sum(), framesOut.sum(), bytesOut.sum(),
                drops.sum());
    }
}
