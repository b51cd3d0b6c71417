package io.multistack.stack.core;

import io.multistack.wire.Ipv4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * IPv4 fragment reassembly (RFC 791, RFC 815) with per-tenant limits: datagrams in
 * progress, bytes held, and a timeout. Overlapping fragments are refused (RFC 5722's
 * lesson for IPv6, applied here too): the datagram is dropped rather than guessed at.
 * Confined to the stack's loop.
 */
final class Ipv4Reassembler {
    static final long TIMEOUT_NANOS = 30_000_000_000L;
    static final int MAX_DATAGRAMS = 64;
    static final int MAX_BYTES = 1 << 20;
    static final int MAX_DATAGRAM_LENGTH = 65_535;
    /** Bound on pieces per datagram, so the overlap check stays cheap and tiny fragments cannot pile up. */
    static final int MAX_FRAGMENTS_PER_DATAGRAM = 64;

    private record Key(int source, int destination, int protocol, int identification) {}

    private record Piece(int offset, ByteBuf data) {}

    private static final class Partial {
        final long deadline;
        final List<Piece> pieces = new ArrayList<>();
        int totalLength = -1;
        int bytes;

        Partial(long deadline) {
            this.deadline = deadline;
        }
    }

    /** A reassembled datagram: its header fields and the whole payload. */
    record Datagram(Ipv4 header, ByteBuf payload) {}

    private final ByteBufAllocator allocator;
    private final DropCounters drops;
    private final Map<Key, Partial> partials = new HashMap<>();
    private int bytesHeld;

    Ipv4Reassembler(ByteBufAllocator allocator, DropCounters drops) {
        this.allocator = allocator;
        this.drops = drops;
    }

    /**
     * Takes one fragment (its payload is copied; the caller keeps its buffer). Returns the
     * whole datagram when this fragment completed it, else null.
     */
    Datagram offer(Ipv4 header, ByteBuf fragmentPayload, long now) {
        int offset = (header.flagsFragment() & Ipv4.OFFSET_MASK) * 8;
        boolean more = (header.flagsFragment() & Ipv4.FLAG_MORE_FRAGMENTS) != 0;
        int length = fragmentPayload.readableBytes();
        if ((more && (length == 0 || length % 8 != 0)) || offset + length > MAX_DATAGRAM_LENGTH - header.headerLength()) {
            drops.count("ipv4.bad-fragment");
            return null;
        }
        Key key = new Key(header.source(), header.destination(), header.protocol(), header.identification());
        Partial partial = partials.get(key);
        if (partial == null) {
            if (partials.size() >= MAX_DATAGRAMS) {
                drops.count("ipv4.reassembly-overflow");
                return null;
            }
            partial = new Partial(now + TIMEOUT_NANOS);
            partials.put(key, partial);
        }
        if (bytesHeld + length > MAX_BYTES) {
            discard(key, partial);
            drops.count("ipv4.reassembly-overflow");
            return null;
        }
        for (Piece piece : partial.pieces) {
            if (offset < piece.offset + piece.data.readableBytes() && piece.offset < offset + length) {
                discard(key, partial);
                drops.count("ipv4.overlapping-fragment");
                return null;
            }
        }
        if (!more) {
            if (partial.totalLength >= 0 && partial.totalLength != offset + length) {
                discard(key, partial);
                drops.count("ipv4.bad-fragment");
                return null;
            }
            partial.totalLength = offset + length;
        }
        if (partial.pieces.size() >= MAX_FRAGMENTS_PER_DATAGRAM) {
            discard(key, partial);
            drops.count("ipv4.too-many-fragments");
            return null;
        }
        // copied, not sliced: a slice would keep the whole received frame alive, so tiny
        // fragments could pin far more memory than the byte budget counts
        ByteBuf copy = allocator.buffer(length).writeBytes(fragmentPayload, fragmentPayload.readerIndex(), length);
        partial.pieces.add(new Piece(offset, copy));
        partial.bytes += length;
        bytesHeld += length;
        if (partial.totalLength < 0 || partial.bytes != partial.totalLength) {
            return null;
        }
        partials.remove(key);
        bytesHeld -= partial.bytes;
        partial.pieces.sort((a, b) -> Integer.compare(a.offset, b.offset));
        ByteBuf whole = allocator.buffer(partial.totalLength);
        for (Piece piece : partial.pieces) {
            whole.writeBytes(piece.data);
            piece.data.release();
        }
        Ipv4 first = new Ipv4(Ipv4.MIN_HEADER_LENGTH, header.dscpEcn(), Ipv4.MIN_HEADER_LENGTH + partial.totalLength,
                header.identification(), 0, header.ttl(), header.protocol(), header.source(), header.destination());
        return new Datagram(first, whole);
    }

    /** Drops datagrams whose fragments did not all arrive in time. */
    void expire(long now) {
        for (Iterator<Map.Entry<Key, Partial>> it = partials.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Partial> entry = it.next();
            if (entry.getValue().deadline - now <= 0) {
                release(entry.getValue());
                it.remove();
                drops.count("ipv4.reassembly-timeout");
            }
        }
    }

    int inProgress() {
        return partials.size();
    }

    int bytesHeld() {
        return bytesHeld;
    }

    void clear() {
        partials.values().forEach(this::release);
        partials.clear();
    }

    private void discard(Key key, Partial partial) {
        partials.remove(key);
        release(partial);
    }

    private void release(Partial partial) {
        partial.pieces.forEach(piece -> piece.data.release());
        bytesHeld -= partial.bytes;
    }
}
