package dev.headroom.simulator;

/**
 * Records when a step was executing and answers "what share of the last {@code window} seconds was busy":
 * GPU utilisation as {@code nvidia-smi} reports it, the share of the sample period in which a kernel ran.
 * One request in flight keeps steps back to back, so this reads ~100% however empty the KV cache is.
 *
 * <p>Back-to-back intervals are merged, so a saturated engine keeps one interval however many steps it
 * runs. The ring holds the most recent {@code capacity} separate intervals; older ones are forgotten
 * (they can only lower the figure, and at ≥ 1 ms per step a 1 s window needs at most ~1,000).
 */
final class BusyTracker {

    private final double[] starts;
    private final double[] ends;
    private int newest = -1;
    private int size;

    BusyTracker(int capacity) {
        starts = new double[capacity];
        ends = new double[capacity];
    }

    void record(double start, double end) {
        if (size > 0 && start <= ends[newest] + 1e-12) {
            if (end > ends[newest]) {
                ends[newest] = end;
            }
            return;
        }
        newest = (newest + 1) % starts.length;
        starts[newest] = start;
        ends[newest] = end;
        if (size < starts.length) {
            size++;
        }
    }

    /** Busy share of {@code [now - window, now]}, in [0, 1]. */
    double utilization(double now, double window) {
        double from = now - window;
        double busy = 0;
        int idx = newest;
        for (int k = 0; k < size; k++) {
            double s = starts[idx];
            double e = ends[idx];
            if (e <= from) {
                break;
            }
            double lo = Math.max(s, from);
            double hi = Math.min(e, now);
            if (hi > lo) {
                busy += hi - lo;
            }
            idx = idx == 0 ? starts.length - 1 : idx - 1;
        }
        return Math.min(1.0, busy / window);
    }
}
