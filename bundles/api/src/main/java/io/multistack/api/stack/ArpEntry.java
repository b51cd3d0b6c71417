package io.multistack.api.stack;

import java.net.Inet4Address;
import java.time.Duration;

/**
 * A neighbour learned by ARP; {@code remaining} is how long it stays reachable without news
 * from it, zero once it is stale (still used while a unicast probe checks that it is there).
 */
public record ArpEntry(Inet4Address address, MacAddress mac, Duration remaining) {}
