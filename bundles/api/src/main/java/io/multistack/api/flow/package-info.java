/** The lower mapping (VLAN demux) and the access table: how tenant stacks meet the network. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package io.multistack.api.flow;
