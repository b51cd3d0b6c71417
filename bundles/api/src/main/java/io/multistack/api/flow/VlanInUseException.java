package io.multistack.api.flow;

/** A VLAN that is already bound to another tenant was asked for. */
public class VlanInUseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int vlan;
    private final String holder;

    public VlanInUseException(String link, int vlan, String holder) {
        super("VLAN " + vlan + " of trunk " + link + " is already used by tenant " + holder);
        this.vlan = vlan;
        this.holder = holder;
    }

    public int vlan() {
        return vlan;
    }

    public String holder() {
        return holder;
    }
}
