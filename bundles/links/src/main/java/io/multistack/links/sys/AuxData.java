package io.multistack.links.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * The VLAN tag a packet socket reports in a {@code PACKET_AUXDATA} control message
 * ({@code struct tpacket_auxdata}) when the kernel (or the NIC) stripped it from the frame.
 *
 * @param tci  the tag control information (PCP, DEI, VID) as on the wire
 * @param tpid the tag protocol identifier (0x8100 unless the kernel says otherwise)
 */
public record AuxData(int tci, int tpid) {
    public static final int SOL_PACKET = 263;
    public static final int PACKET_AUXDATA = 8;
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    public static final int TPID_8021Q = 0x8100;

    /** cmsghdr: size_t cmsg_len, int cmsg_level, int cmsg_type; data aligned to 8 bytes after it. */
    static final int CMSG_HEADER = 16;
    /** tpacket_auxdata: u32 status, len, snaplen; u16 mac, net, vlan_tci, vlan_tpid. */
    static final int AUXDATA_SIZE = 20;
    static final int STATUS_OFFSET = 0;
    static final int TCI_OFFSET = 16;
    static final int TPID_OFFSET = 18;

    /**
     * The stripped tag found in a control-message buffer, or {@code null} when the frame
     * arrived without one (then the frame itself may still carry its tag: the other form).
     *
     * @param control    the msg_control buffer
     * @param controlLen msg_controllen as returned by recvmsg
     */
    public static AuxData find(MemorySegment control, long controlLen) {
        long offset = 0;
        while (offset + CMSG_HEADER <= controlLen) {
            long length = control.get(JAVA_LONG, offset);
            if (length < CMSG_HEADER || offset + length > controlLen) {
                return null;
            }
            int level = control.get(JAVA_INT, offset + 8);
            int type = control.get(JAVA_INT, offset + 12);
            if (level == SOL_PACKET && type == PACKET_AUXDATA && length >= CMSG_HEADER + AUXDATA_SIZE) {
                return fromAuxdata(control.asSlice(offset + CMSG_HEADER, AUXDATA_SIZE));
            }
            offset += (length + 7) & ~7L;
        }
        return null;
    }

    static AuxData fromAuxdata(MemorySegment auxdata) {
        int status = auxdata.get(JAVA_INT, STATUS_OFFSET);
        int tci = Short.toUnsignedInt(auxdata.get(JAVA_SHORT, TCI_OFFSET));
        // Old kernels report a stripped tag only through a non-zero TCI (VID 0 and priority 0 then look untagged).
        if ((status & TP_STATUS_VLAN_VALID) == 0 && tci == 0) {
            return null;
        }
        int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0
                ? Short.toUnsignedInt(auxdata.get(JAVA_SHORT, TPID_OFFSET)) : TPID_8021Q;
        return new AuxData(tci, tpid);
    }
}
