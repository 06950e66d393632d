package dev.headroom.evaluation;

import java.util.Objects;

/**
 * One policy's run, reduced to what the report shows.
 *
 * @param name         the policy
 * @param description  what it does, one line
 * @param requests     requests served
 * @param ttft         TTFT quantiles, seconds from arrival at the cluster
 * @param itl          mean inter-token latency quantiles, seconds (one-token outputs left out)
 * @param sloAttainment share of requests meeting the SLO
 * @param gpuHours     billed GPU-hours (cold starts and draining included)
 * @param scaleEvents  changes of the replica count
 * @param maxReplicas  the most replicas asked for at any tick
 * @param meanReplicas replicas asked for, averaged over the control ticks
 * @param wallSeconds  how long the simulation took
 * @param timeline     load and replicas at each control tick
 * @param scaleIn      requests lost to scale-in, and the victim order the policy ran with
 */
public record PolicyResult(String name, String description, int requests, Quantiles ttft, Quantiles itl,
        double sloAttainment, double gpuHours, int scaleEvents, int maxReplicas, double meanReplicas,
        double wallSeconds, Timeline timeline, ScaleInLoss scaleIn) {

    /** A run in which no request was lost to scale-in, victims in Kubernetes' default order. */
    public PolicyResult(String name, String description, int requests, Quantiles ttft, Quantiles itl,
                        double sloAttainment, double gpuHours, int scaleEvents, int maxReplicas, double meanReplicas,
                        double wallSeconds, Timeline timeline) {
        this(name, description, requests, ttft, itl, sloAttainment, gpuHours, scaleEvents, maxReplicas, meanReplicas,
                wallSeconds, timeline, new ScaleInLoss(0, 0, false));
    }

    /**
     * What scale-in cost a policy's run.
     *
     * @param lost       requests failed because their replica's grace period ended (counted against the SLO)
     * @param cutOff     of those, the ones whose stream was cut mid-generation (the others never got a token)
     * @param drainAware whether the policy marked the emptiest replicas to go first
     */
    public record ScaleInLoss(int lost, long cutOff, boolean drainAware) {
        public ScaleInLoss {
            if (lost < 0 || cutOff < 0 || cutOff > lost) {
                throw new IllegalArgumentException("scale-in losses must satisfy 0 <= cut off <= lost, were " + cutOff
                        + " and " + lost);
            }
        }

        /** {@code drain-aware} or {@code default}. */
        public String victimOrder() {
            return drainAware ? ScaleInSetup.VictimOrder.DRAIN_AWARE.label()
                    : ScaleInSetup.VictimOrder.KUBERNETES_DEFAULT.label();
        }
    }

    public PolicyResult {
        Objects.requireNonNull(scaleIn, "scaleIn");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(ttft, "ttft");
        Objects.requireNonNull(itl, "itl");
        Objects.requireNonNull(timeline, "timeline");
    }

    /** p50, p95 and p99 of one latency, seconds. */
    public record Quantiles(double p50, double p95, double p99) {
    }

    /**
     * One sample per control tick.
     *
     * @param seconds     tick times
     * @param arrivalRate requests/s offered since the previous tick
     * @param desired     the policy's answer
     * @param ready       replicas serving
     * @param starting    replicas loading
     * @param missed      requests that arrived since the previous tick (up to this one) and missed the SLO
     */
    public record Timeline(double[] seconds, double[] arrivalRate, int[] desired, int[] ready, int[] starting,
                           int[] missed) {
        public Timeline {
            int n = seconds.length;
            if (arrivalRate.length != n || desired.length != n || ready.length != n || starting.length != n
                    || missed.length != n) {
                throw new IllegalArgumentException("timeline columns must have one value per tick");
            }
        }

        /** A timeline in which no request missed the SLO. */
        public Timeline(double[] seconds, double[] arrivalRate, int[] desired, int[] ready, int[] starting) {
            this(seconds, arrivalRate, desired, ready, starting, new int[seconds.length]);
        }

        /**
         * Per tick, how many of {@code arrivals} (ascending seconds) fall after the previous tick and up to this
         * one (the first tick takes all before it, the last all after).
         */
        static int[] perTick(double[] seconds, double[] arrivals) {
            int[] counts = new int[seconds.length];
            int tick = 0;
            for (double a : arrivals) {
                while (tick < seconds.length - 1 && a > seconds[tick]) {
                    tick++;
                }
                if (seconds.length > 0) {
                    counts[tick]++;
                }
            }
            return counts;
        }

        /** Requests that missed the SLO, in all. */
        public int missedTotal() {
            int sum = 0;
            for (int m : missed) {
                sum += m;
            }
            return sum;
        }

        public int size() {
            return seconds.length;
        }
    }
}
