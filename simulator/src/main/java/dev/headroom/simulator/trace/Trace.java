package dev.headroom.simulator.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A request trace as read, sorted by arrival time (a stable sort: rows recorded out of order keep their
 * relative order among equal times).
 *
 * @param source  where it was read from (a file name), for messages
 * @param records every row, sorted by {@link TraceRecord#timeNanos()}
 * @param timestamps how the timestamps were read (date-times, or a unit and how it was chosen), for reports
 */
public record Trace(String source, List<TraceRecord> records, String timestamps) {

    public Trace {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(timestamps, "timestamps");
        ArrayList<TraceRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(TraceRecord::timeNanos));
        records = List.copyOf(sorted);
    }

    /** Rows whose times were given as they are. */
    public Trace(String source, List<TraceRecord> records) {
        this(source, records, "as given");
    }

    public int size() {
        return records.size();
    }

    /** Seconds from the first arrival to the last; 0 for fewer than two rows. */
    public double durationSeconds() {
        return records.size() < 2 ? 0
                : (records.get(records.size() - 1).timeNanos() - records.get(0).timeNanos()) / 1e9;
    }

    /** Mean prompt tokens per request; NaN (unknown) for an empty trace. */
    public double meanPromptTokens() {
        return records.stream().mapToLong(TraceRecord::promptTokens).average().orElse(Double.NaN);
    }

    /** Mean output tokens per request; NaN (unknown) for an empty trace. */
    public double meanOutputTokens() {
        return records.stream().mapToLong(TraceRecord::outputTokens).average().orElse(Double.NaN);
    }
}
