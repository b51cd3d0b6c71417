package io.multistack.stack.tcp;

import java.util.Arrays;

/**
 * The connections with a timer armed, earliest first: an indexed binary min-heap, so that
 * finding the next deadline costs nothing and arming or removing costs O(log n), however
 * many connections (thousands in TIME-WAIT after a burst of short ones) a tenant holds.
 *
 * <p>A connection's key is never later than its earliest deadline. Arming an earlier
 * deadline moves it up at once; disarming or postponing leaves the key early, and only when
 * it reaches the top is it placed again at its real deadline (or taken out). That keeps the
 * frequent case, the retransmission deadline pushed later by every ACK, free of heap work,
 * and the top always exact.
 */
final class TimerHeap {
    private TcpConnection[] heap = new TcpConnection[16];
    private int size;

    /** The earliest deadline of any connection in the heap, {@link TcpConnection#NONE} when none. */
    long earliest() {
        settleTop();
        return size == 0 ? TcpConnection.NONE : heap[0].timerKey;
    }

    boolean isEmpty() {
        settleTop();
        return size == 0;
    }

    /** Re-places a top whose key went stale (disarmed or postponed) until the top is exact. */
    private void settleTop() {
        while (size > 0) {
            TcpConnection top = heap[0];
            long real = top.nextDeadline();
            if (real == top.timerKey) {
                return;
            }
            if (real == TcpConnection.NONE) {
                removeAt(0);
            } else {
                top.timerKey = real; // only ever later: keys are lowered at once when armed
                siftDown(0);
            }
        }
    }

    int size() {
        return size;
    }

    /** A deadline of {@code c} was armed: place it, or move it up if that is now its earliest. */
    void armed(TcpConnection c) {
        long at = c.nextDeadline();
        if (at == TcpConnection.NONE) {
            return;
        }
        if (c.timerIndex < 0) {
            insert(c, at);
        } else if (at < c.timerKey) {
            c.timerKey = at;
            siftUp(c.timerIndex);
        }
    }

    /** Removes and returns the earliest connection (after {@link #earliest()} said there is one). */
    TcpConnection poll() {
        TcpConnection first = heap[0];
        removeAt(0);
        return first;
    }

    /** Takes {@code c} out (a connection that is gone); nothing if it is not in. */
    void remove(TcpConnection c) {
        if (c.timerIndex >= 0) {
            removeAt(c.timerIndex);
        }
    }

    private void insert(TcpConnection c, long at) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        c.timerKey = at;
        c.timerIndex = size;
        heap[size++] = c;
        siftUp(size - 1);
    }

    private void removeAt(int index) {
        TcpConnection gone = heap[index];
        gone.timerIndex = -1;
        TcpConnection last = heap[--size];
        heap[size] = null;
        if (index == size) {
            return;
        }
        heap[index] = last;
        last.timerIndex = index;
        siftDown(index);
        siftUp(last.timerIndex);
    }

    private void siftUp(int index) {
        TcpConnection c = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            TcpConnection above = heap[parent];
            if (above.timerKey <= c.timerKey) {
                break;
            }
            heap[index] = above;
            above.timerIndex = index;
            index = parent;
        }
        heap[index] = c;
        c.timerIndex = index;
    }

    private void siftDown(int index) {
        TcpConnection c = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && heap[right].timerKey < heap[child].timerKey) {
                child = right;
            }
            if (c.timerKey <= heap[child].timerKey) {
                break;
            }
            heap[index] = heap[child];
            heap[index].timerIndex = index;
            index = child;
        }
        heap[index] = c;
        c.timerIndex = index;
    }
}
