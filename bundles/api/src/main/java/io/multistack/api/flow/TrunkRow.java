package io.multistack.api.flow;

/**
 * A trunk link of the demux (a snapshot): its state, how many VLANs are bound to it, and the
 * frames dropped on it before they reached any VLAN, by reason.
 */
public record TrunkRow(String link, String state, int vlans, long unknownVlan, long untagged, long malformed) {}
