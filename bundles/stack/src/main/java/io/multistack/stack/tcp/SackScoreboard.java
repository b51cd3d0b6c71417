package io.multistack.stack.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * The sender's record of SACKed ranges above SND.UNA (RFC 6675 2, 4), kept as sorted,
 * disjoint [start, end) pairs. Loss is inferred per RFC 6675 IsLost: a byte is lost when
 * DupThresh discontiguous blocks or DupThresh*MSS bytes above it are SACKed.
 */
final class SackScoreboard {
    static final int DUP_THRESH = 3;
    private final List<int[]> ranges = new ArrayList<>();

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    void clear() {
        ranges.clear();
    }

    /** Records the peer's blocks; ignores those outside (sndUna, sndMax]. Returns true if something new was SACKed. */
    boolean update(int[] blocks, int sndUna, int sndMax) {
        boolean changed = false;
        for (int i = 0; i + 1 < blocks.length; i += 2) {
            int start = blocks[i];
            int end = blocks[i + 1];
            if (!Seq.lt(start, end) || Seq.le(end, sndUna) || Seq.gt(end, sndMax)) {
                continue; // D-SACK or bogus
            }
            start = Seq.max(start, sndUna);
            changed |= insert(start, end);
        }
        return changed;
    }

    private boolean insert(int start, int end) {
        int i = 0;
        while (i < ranges.size() && Seq.lt(ranges.get(i)[1], start)) {
            i++;
        }
        if (i < ranges.size() && Seq.le(ranges.get(i)[0], start) && Seq.ge(ranges.get(i)[1], end)) {
            return false;
        }
        int newStart = start;
        int newEnd = end;
        while (i < ranges.size() && Seq.le(ranges.get(i)[0], newEnd)) {
            int[] r = ranges.remove(i);
            newStart = Seq.min(newStart, r[0]);
            newEnd = Seq.max(newEnd, r[1]);
        }
        ranges.add(i, new int[] {newStart, newEnd});
        return true;
    }

    /** Forgets everything cumulatively acknowledged. */
    void advance(int sndUna) {
        while (!ranges.isEmpty()) {
            int[] first = ranges.get(0);
            if (Seq.le(first[1], sndUna)) {
                ranges.remove(0);
            } else {
                if (Seq.lt(first[0], sndUna)) {
                    first[0] = sndUna;
                }
                return;
            }
        }
    }

    boolean isSacked(int seq) {
        for (int[] r : ranges) {
            if (Seq.inRange(seq, r[0], r[1])) {
                return true;
            }
            if (Seq.lt(seq, r[0])) {
                return false;
            }
        }
        return false;
    }

    /** End of the SACKed range containing {@code seq}, or {@code seq} itself if not SACKed. */
    int skipSacked(int seq) {
        for (int[] r : ranges) {
            if (Seq.inRange(seq, r[0], r[1])) {
                return r[1];
            }
        }
        return seq;
    }

    /** Start of the next SACKed range at or after {@code seq}, or {@code limit}. */
    int nextSackedStart(int seq, int limit) {
        for (int[] r : ranges) {
            if (Seq.ge(r[0], seq)) {
                return Seq.min(r[0], limit);
            }
        }
        return limit;
    }

    int highestSacked(int fallback) {
        return ranges.isEmpty() ? fallback : ranges.get(ranges.size() - 1)[1];
    }

    int sackedBytes() {
        int n = 0;
        for (int[] r : ranges) {
            n += r[1] - r[0];
        }
        return n;
    }

    /**
     * Everything below the returned sequence number that is not SACKed counts as lost
     * (IsLost of RFC 6675 evaluated per range from the top).
     */
    int lossBoundary(int sndUna, int mss) {
        int bytesAbove = 0;
        int blocksAbove = 0;
        for (int i = ranges.size() - 1; i >= 0; i--) {
            int[] r = ranges.get(i);
            bytesAbove += r[1] - r[0];
            blocksAbove++;
            if (blocksAbove >= DUP_THRESH || bytesAbove >= DUP_THRESH * mss) {
                // every unsacked byte below this block has enough SACKed data above it
                return r[0];
            }
        }
        return sndUna;
    }

    /** Unsacked bytes in [from, to). */
    int unsackedBetween(int from, int to) {
        if (!Seq.lt(from, to)) {
            return 0;
        }
        int n = to - from;
        for (int[] r : ranges) {
            int s = Seq.max(r[0], from);
            int e = Seq.min(r[1], to);
            if (Seq.lt(s, e)) {
                n -= e - s;
            }
        }
        return n;
    }

    /** Up to {@code max} blocks, most recent information is not tracked: highest first. */
    List<int[]> ranges() {
        return ranges;
    }
}
