package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;

/**
 * Unacknowledged and unsent bytes; offset 0 is SND.UNA. Holds retained slices of what the
 * application wrote (no copy); bytes are copied once, into the outgoing segment. A cursor
 * remembers where the last copy ended, so sending a large window of small writes stays
 * linear instead of walking the queue from the front for every segment.
 */
final class SendQueue {
    private final ArrayList<ByteBuf> buffers = new ArrayList<>();
    private int head; // index of the first live buffer
    private int bytes;
    private int cursorIndex; // a buffer index >= head ...
    private int cursorOffset; // ... and the queue offset where that buffer starts

    void add(ByteBuf data) {
        buffers.add(data);
        bytes += data.readableBytes();
    }

    int size() {
        return bytes;
    }

    /** Appends {@code length} bytes starting {@code offset} bytes after SND.UNA to {@code out}. */
    void copy(int offset, int length, ByteBuf out) {
        if (offset < cursorOffset || cursorIndex < head) {
            cursorIndex = head;
            cursorOffset = 0;
        }
        int index = cursorIndex;
        int start = cursorOffset;
        while (index < buffers.size() && start + buffers.get(index).readableBytes() <= offset) {
            start += buffers.get(index).readableBytes();
            index++;
        }
        cursorIndex = index;
        cursorOffset = start;
        int skip = offset - start;
        int left = length;
        while (left > 0) {
            if (index >= buffers.size()) {
                throw new IllegalStateException("send queue underflow");
            }
            ByteBuf b = buffers.get(index);
            int n = Math.min(b.readableBytes() - skip, left);
            out.writeBytes(b, b.readerIndex() + skip, n);
            left -= n;
            skip = 0;
            index++;
        }
    }

    /** Drops {@code n} acknowledged bytes from the front. */
    void drop(int n) {
        int left = n;
        while (left > 0) {
            ByteBuf first = buffers.get(head);
            int readable = first.readableBytes();
            if (readable <= left) {
                first.release();
                buffers.set(head, null);
                head++;
                left -= readable;
                if (cursorIndex < head) {
                    cursorIndex = head;
                    cursorOffset = 0;
                } else {
                    cursorOffset -= readable;
                }
            } else {
                first.skipBytes(left);
                if (cursorIndex > head) {
                    cursorOffset -= left;
                }
                left = 0;
            }
        }
        bytes -= n;
        if (head > 64 && head * 2 > buffers.size()) {
            buffers.subList(0, head).clear();
            cursorIndex -= head;
            head = 0;
        }
    }

    void releaseAll() {
        for (int i = head; i < buffers.size(); i++) {
            buffers.get(i).release();
        }
        buffers.clear();
        head = 0;
        bytes = 0;
        cursorIndex = 0;
        cursorOffset = 0;
    }
}
