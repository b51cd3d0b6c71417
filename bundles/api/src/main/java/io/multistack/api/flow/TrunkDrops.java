package io.multistack.api.flow;

/** Frames the demux dropped before they reached a VLAN (a snapshot). */
public record TrunkDrops(long unknownVlan, long untagged, long malformed) {}
