package dev.headroom.collectors.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns the short strings a payload repeats on every scrape (family, sample and label names, label values
 * such as {@code le="0.5"} or the model name), keyed by their bytes, so that a warm parser turns them into the
 * same {@code String} without allocating. Open addressing over a fixed table; when it is crowded it is cleared
 * at the start of the next parse, so a payload full of unique values costs bounded memory: at most
 * {@value #MAX_ENTRIES} entries of at most {@value #MAX_LENGTH} bytes, about 2.5 MiB at worst (an entry holds
 * the bytes, the {@code String} and its header), some 100 KiB for a real engine's payload. Not thread-safe:
 * one per parser.
 */
final class NameTable {

    static final int MAX_LENGTH = 256;
    private static final int CAPACITY = 1 << 13;
    private static final int MASK = CAPACITY - 1;
    private static final int MAX_ENTRIES = CAPACITY / 2;

    static final class Entry {
        final byte[] bytes;
        final int hash;
        final String string;
        /** The family of this name in the parse whose generation is {@link #generation}. */
        ExpositionParser.FamilyState family;
        int generation;

        Entry(byte[] bytes, int hash, String string) {
            this.bytes = bytes;
            this.hash = hash;
            this.string = string;
        }

        /** Forgets the family; its record is dropped from the parser's pool. */
        void release() {
            family = null;
            generation = 0;
        }
    }

    private final Entry[] slots = new Entry[CAPACITY];
    private int size;

    /** The entry for these bytes, added if new; null when too long to intern or the table is full. */
    Entry get(byte[] buf, int off, int len, int hash) {
        if (len > MAX_LENGTH) {
            return null;
        }
        int i = (hash ^ (hash >>> 15)) & MASK;
        Entry e;
        while ((e = slots[i]) != null) {
            if (e.hash == hash && e.bytes.length == len && Arrays.equals(e.bytes, 0, len, buf, off, off + len)) {
                return e;
            }
            i = (i + 1) & MASK;
        }
        if (size >= MAX_ENTRIES) {
            return null;
        }
        e = new Entry(Arrays.copyOfRange(buf, off, off + len), hash, new String(buf, off, len, StandardCharsets.UTF_8));
        slots[i] = e;
        size++;
        return e;
    }

    String string(byte[] buf, int off, int len, int hash) {
        Entry e = get(buf, off, len, hash);
        return e != null ? e.string : new String(buf, off, len, StandardCharsets.UTF_8);
    }

    /** Called between parses: forget everything once more than half the room is used. */
    void clearIfCrowded() {
        if (size > MAX_ENTRIES / 2) {
            Arrays.fill(slots, null);
            size = 0;
        }
    }
}
