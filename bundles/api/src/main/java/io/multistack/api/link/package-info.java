/** Links: anything that carries Ethernet frames (in-memory trunk, VXLAN tunnel, TAP, AF_PACKET). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package io.multistack.api.link;
