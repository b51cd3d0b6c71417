package io.multistack.api.stack;

import java.net.Inet4Address;
import java.time.Duration;

/** A neighbour learned by ARP; {@code remaining} is the time until it expires. */
public record ArpEntry(Inet4Address address, MacAddress mac, Duration remaining) {}
