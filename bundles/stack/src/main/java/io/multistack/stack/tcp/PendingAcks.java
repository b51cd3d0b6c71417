package io.multistack.stack.tcp;

import java.util.ArrayList;

/**
 * Connections owing an ACK at the end of the current batch of received segments. The owner
 * of the engine ends a batch by {@link TcpEngine#flushAcks}, e.g. after draining its inbox
 * of frames (as NAPI and GRO let Linux send one ACK for what one poll received); until then
 * {@link TcpEngine#nextDeadline()} reports them as due, so an owner that only runs timers
 * still sends them at once. An ACK that leaves earlier (piggybacked on data, or immediate
 * for out-of-order data) settles the debt.
 */
final class PendingAcks {
    private ArrayList<TcpConnection> owing = new ArrayList<>();
    private ArrayList<TcpConnection> spare = new ArrayList<>();

    void add(TcpConnection c) {
        if (!c.ackOwed) {
            c.ackOwed = true;
            owing.add(c);
        }
    }

    boolean isEmpty() {
        return owing.isEmpty();
    }

    /** Sends the ACKs still owed; returns how many left. */
    int flush(long now) {
        if (owing.isEmpty()) {
            return 0;
        }
        ArrayList<TcpConnection> batch = owing;
        owing = spare; // an ACK's side effects may queue new debts: they go to the next batch
        int sent = 0;
        for (int i = 0; i < batch.size(); i++) {
            TcpConnection c = batch.get(i);
            if (c.ackOwed) {
                c.ackOwed = false;
                if (c.sendOwedAck(now)) {
                    sent++;
                }
            }
        }
        batch.clear();
        spare = batch;
        return sent;
    }
}
