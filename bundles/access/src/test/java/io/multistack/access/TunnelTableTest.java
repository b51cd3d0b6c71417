package io.multistack.access;

import static io.multistack.access.AccessFrames.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The access table: rows by name, ingress lookup by (remote, VNI), egress by VLAN. */
class TunnelTableTest {
    private static final int SITE_A = ip("198.51.100.11");
    private static final int SITE_B = ip("198.51.100.12");
    private final TunnelTable table = new TunnelTable();

    @Test
    void rowsAreFoundByKeyAndByVlanAndListedByName() {
        Tunnel b = new Tunnel("B", SITE_B, 100, 601);
        Tunnel a = new Tunnel("A", SITE_A, 100, 600);
        table.put(b);
        table.put(a);

        assertThat(table.lookup(SITE_A, 100)).isSameAs(a);
        assertThat(table.lookup(SITE_B, 100)).isSameAs(b);
        assertThat(table.lookup(SITE_A, 101)).isNull();
        assertThat(table.forVlan(600)).containsExactly(a);
        assertThat(table.forVlan(602)).isEmpty();
        assertThat(table.all()).containsExactly(a, b);
    }

    /** 4094 rows: every one found by its (remote, VNI) and its VLAN, and nothing found for keys close to theirs. */
    @Test
    void aFullTableFindsEveryRowAndNoOther() {
        int count = 4094;
        Tunnel[] rows = new Tunnel[count];
        for (int i = 0; i < count; i++) {
            // some remotes share a VNI, some VNIs share a remote: keys differ in either half
            rows[i] = new Tunnel("T" + i, SITE_A + i % 64, 100 + i / 64, 1 + i);
            table.put(rows[i]);
        }
        for (int i = 0; i < count; i++) {
            assertThat(table.lookup(SITE_A + i % 64, 100 + i / 64)).isSameAs(rows[i]);
            assertThat(table.forVlan(1 + i)).containsExactly(rows[i]);
        }
        assertThat(table.lookup(SITE_A + 64, 100)).isNull();
        assertThat(table.lookup(SITE_A, 100 + count / 64 + 1)).isNull();
        assertThat(table.lookup(0, 0)).isNull();
        assertThat(table.forVlan(0)).isEmpty();
        assertThat(table.forVlan(4095)).isEmpty();
    }

    @Test
    void putReplacesTheRowOfThatName() {
        table.put(new Tunnel("A", SITE_A, 100, 600));
        Tunnel moved = new Tunnel("A", SITE_B, 200, 700);
        table.put(moved);

        assertThat(table.lookup(SITE_A, 100)).isNull();
        assertThat(table.lookup(SITE_B, 200)).isSameAs(moved);
        assertThat(table.forVlan(600)).isEmpty();
        assertThat(table.forVlan(700)).containsExactly(moved);
        assertThat(table.all()).containsExactly(moved);
    }

    @Test
    void anUnchangedRowKeepsItsCounters() {
        Tunnel first = new Tunnel("A", SITE_A, 100, 600);
        table.put(first);
        first.packetsIn.add(5);
        table.put(new Tunnel("A", SITE_A, 100, 600));

        assertThat(table.lookup(SITE_A, 100)).isSameAs(first);
        assertThat(table.all().get(0).row().packetsIn()).isEqualTo(5);
    }

    @Test
    void theSameRemoteAndVniUnderAnotherNameIsRefused() {
        Tunnel a = new Tunnel("A", SITE_A, 100, 600);
        table.put(a);

        assertThatThrownBy(() -> table.put(new Tunnel("B", SITE_A, 100, 601)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'A'").hasMessageContaining("198.51.100.11").hasMessageContaining("100");
        assertThat(table.all()).containsExactly(a);
        assertThat(table.forVlan(601)).isEmpty();
    }

    @Test
    void aRowMayChangeItsOwnVlan() {
        table.put(new Tunnel("A", SITE_A, 100, 600));
        Tunnel changed = new Tunnel("A", SITE_A, 100, 601);
        table.put(changed);
        assertThat(table.lookup(SITE_A, 100)).isSameAs(changed);
        assertThat(table.forVlan(600)).isEmpty();
    }

    @Test
    void removeForgetsTheRowAndIgnoresUnknownNames() {
        table.put(new Tunnel("A", SITE_A, 100, 600));
        Tunnel b = new Tunnel("B", SITE_B, 100, 600);
        table.put(b);
        table.remove("A");
        table.remove("nope");

        assertThat(table.lookup(SITE_A, 100)).isNull();
        assertThat(table.forVlan(600)).containsExactly(b);
        assertThat(table.all()).containsExactly(b);
    }

    @Test
    void aRemovedKeyCanBeTakenByAnotherName() {
        table.put(new Tunnel("A", SITE_A, 100, 600));
        table.remove("A");
        Tunnel c = new Tunnel("C", SITE_A, 100, 602);
        table.put(c);
        assertThat(table.lookup(SITE_A, 100)).isSameAs(c);
    }

    @Test
    void highRemoteAddressesAndLargeVnisDoNotCollide() {
        Tunnel high = new Tunnel("H", ip("255.255.255.254"), 0xFF_FFFF, 1);
        Tunnel low = new Tunnel("L", ip("0.0.0.1"), 0, 2);
        table.put(high);
        table.put(low);
        assertThat(table.lookup(ip("255.255.255.254"), 0xFF_FFFF)).isSameAs(high);
        assertThat(table.lookup(ip("0.0.0.1"), 0)).isSameAs(low);
        assertThat(table.lookup(ip("255.255.255.254"), 0)).isNull();
    }
}
