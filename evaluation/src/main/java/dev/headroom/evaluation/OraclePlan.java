package dev.headroom.evaluation;

import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterRun;
import dev.headroom.simulator.cluster.ClusterSimulator;
import dev.headroom.simulator.cluster.ServedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What an operator who knew the future would provision: for each control interval, the fewest replicas with
 * which that interval's actual requests meet the SLO, found by simulating them, with every replica asked for
 * one cold start before it must serve.
 *
 * <h2>Why simulate each interval rather than divide by a capacity</h2>
 * A per-replica capacity measured on steady Poisson load says nothing of a burst, of a mix whose prompts are
 * long in one minute and short in the next, or of a hard SLO under which the answer is "no rate at all". The
 * earlier oracle divided arrivals by such a capacity, capped at {@code --max-replicas} without a word, missed
 * its own SLO on some seeds and was beaten by causal policies. This one asks the simulator, interval by
 * interval, with the interval's own requests.
 *
 * <h2>The search</h2>
 * Intervals are planned in order. For interval {@code k} (start {@code t}, length {@code I}) and a candidate
 * count {@code n}, one simulation replays the arrivals of {@code [t − W, t + I + T)} on replicas with no cold
 * start, as many serving in each interval as the plan would have ready there (see {@code Search.ready}): during
 * the warm-up {@code W} what the plan so far gives, so that requests queued or decoding at {@code t} carry
 * over as they would; from {@code t} on, with {@code n} needed in {@code k} and, not yet known, after it. The
 * tail {@code T} (one interval) keeps the later arrivals' prefills beside the interval's decodes.
 * Only the requests arriving in {@code [t, t + I)} are judged. The SLO's attainment target is a budget of
 * failures for the whole run, {@code (1 − target) × }its requests; it accrues as requests arrive (interval
 * {@code k} adds {@code floor(E_k) − floor(E_{k−1})}, {@code E_k = (1 − target) × }the requests of intervals
 * {@code 0..k}) and the search spends it as it goes: interval {@code k} passes when its failures are within
 * what has accrued and not been spent. So the oracle's failures never exceed the run's budget at any point,
 * and a replica is saved wherever the budget allows, as the cheapest plan that meets the target would; no
 * interval spends more than {@value #MAX_SPEND_SHARES} times its own share (10 % of its requests at a 99 %
 * target), so that no replica is bought with a burst of failures no operator would accept.
 * Requests that fail even alone on an idle replica add to their interval's accrual (see below). The search starts at the previous interval's answer, walks down or up by doubling
 * steps until it brackets the change, then bisects: usually two simulations per interval, at most
 * {@code 2 log2(}{@value #SEARCH_LIMIT}{@code )}. Everything is deterministic: no randomness, fixed order.
 *
 * <h2>Cold starts ahead, no silent cap</h2>
 * A replica asked for at {@code t} serves from {@code t + cold start}, so the count asked for at tick {@code k}
 * is the largest need from {@code k} to {@code k + ⌈cold start ÷ I⌉}. Needs are searched without the cluster's
 * {@code maxReplicas}; where a need exceeds it the plan is capped and the cap is reported as binding, which
 * makes the oracle infeasible for the scenario.
 *
 * <h2>Impossible SLOs, and the check of the whole</h2>
 * Before searching, {@link SloFeasibility} finds the requests that miss the SLO even alone on an idle replica
 * (a prefill longer than the TTFT objective, a decode slower than the ITL objective). More of them than the
 * error budget allows is an {@link InfeasibleSloException} naming the cause. Finally the whole plan is run
 * once through the cluster as the evaluation will run it; if it misses the attainment target (windows
 * approximate the carry-over), the intervals that missed their allowance get one more replica and it runs
 * again, at most {@value #REPAIRS} times. What it then attains is in {@link #summary()}; a plan that still
 * misses is reported infeasible, never passed off as a reference.
 */
public final class OraclePlan {

    /** No interval's search goes past this many replicas. */
    static final int SEARCH_LIMIT = 1024;
    /** Whole-run checks after the first that may add replicas where intervals missed. */
    static final int REPAIRS = 3;
    /** Warm-up before an interval: at least this many seconds, and at least two intervals. */
    static final double MIN_WARM_UP_SECONDS = 30;
    /** No interval may fail more than this many times its own share of the budget (10 % of it at a 99 % target). */
    static final double MAX_SPEND_SHARES = 10;

    private final double intervalSeconds;
    private final int[] need;
    private final int[] desired;
    private final OracleSummary summary;

    private OraclePlan(double intervalSeconds, int[] need, int[] desired, OracleSummary summary) {
        this.intervalSeconds = intervalSeconds;
        this.need = need;
        this.desired = desired;
        this.summary = summary;
    }

    /**
     * Plans the scenario's requests (see the class comment) and checks the plan by running it.
     *
     * @throws InfeasibleSloException when no number of replicas can meet the SLO for this mix
     */
    public static OraclePlan compute(Scenario scenario) {
        return compute(scenario.requests(), scenario.cluster(), scenario.slo());
    }

    /** As {@link #compute(Scenario)}, from its parts. */
    public static OraclePlan compute(List<SimRequest> requests, ClusterConfig cluster, Slo slo) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(slo, "slo");
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("the oracle has no requests to plan for");
        }
        long start = System.nanoTime();
        SloFeasibility feasibility = SloFeasibility.check(requests, cluster, slo);
        Search search = new Search(requests, cluster, slo, feasibility);
        int[] uncapped = search.needs();
        int[] need = uncapped.clone();
        int repairs = 0;
        ClusterRun run;
        while (true) {
            int[] desired = desired(need, cluster);
            run = runPlan(requests, cluster, desired);
            if (run.sloAttainment(slo.ttftSeconds(), slo.itlSeconds()) >= slo.attainmentTarget() || repairs == REPAIRS) {
                break;
            }
            int[] missed = search.missedIntervals(run);
            if (missed.length == 0) {
                break;
            }
            boolean added = false;
            for (int k : missed) {
                // Where the cap already binds, another replica cannot be had: the cap is the reason, reported below.
                if (need[k] < cluster.maxReplicas()) {
                    need[k]++;
                    uncapped[k] = Math.max(uncapped[k], need[k]);
                    added = true;
                }
            }
            if (!added) {
                break;
            }
            repairs++;
        }
        int[] desired = desired(need, cluster);
        int uncappedPeak = 0;
        int capped = 0;
        int busiest = 0;
        for (int k = 0; k < need.length; k++) {
            uncappedPeak = Math.max(uncappedPeak, uncapped[k]);
            if (uncapped[k] > cluster.maxReplicas()) {
                capped++;
            }
            if (need[k] > need[busiest]
                    || (need[k] == need[busiest] && search.count(k) > search.count(busiest))) {
                busiest = k;
            }
        }
        double attained = run.sloAttainment(slo.ttftSeconds(), slo.itlSeconds());
        int peak = Math.max(cluster.minReplicas(), Math.min(cluster.maxReplicas(), uncappedPeak));
        List<String> reasons = new ArrayList<>();
        if (capped > 0) {
            reasons.add(String.format(Locale.ROOT, "--max-replicas %d binds: %d of %d intervals need more, up to %d",
                    cluster.maxReplicas(), capped, need.length, uncappedPeak));
        }
        if (attained < slo.attainmentTarget()) {
            reasons.add(String.format(Locale.ROOT, "the plan attains %.2f %% of requests within the SLO, under the"
                    + " %s %% target, after %d repair(s)", attained * 100, trim(slo.attainmentTarget() * 100), repairs));
        }
        double interval = cluster.controlIntervalSeconds();
        OracleSummary summary = new OracleSummary(reasons.isEmpty(), reasons, peak, uncappedPeak, capped,
                need.length, search.count(busiest) / interval / need[busiest], attained, repairs,
                search.simulations(), feasibility.impossible(), feasibility.reason(),
                (System.nanoTime() - start) / 1e9);
        return new OraclePlan(interval, need, desired, summary);
    }

    /**
     * The most replicas the busiest intervals of {@code requests} need (see {@code Search.peakNeed}), with the
     * requests that fail alone judged by {@code feasibility}'s thresholds; for sizing a scenario.
     */
    static int peakNeed(List<SimRequest> requests, ClusterConfig cluster, Slo slo, SloFeasibility feasibility) {
        return new Search(requests, cluster, slo, feasibility.forRequests(requests), true).peakNeed(4, 2);
    }

    /** The plan for needs already known: each tick asks for the most any interval within one cold start needs. */
    static OraclePlan fromNeeds(int[] need, ClusterConfig cluster) {
        int[] capped = new int[need.length];
        int peak = cluster.minReplicas();
        int uncappedPeak = 0;
        int bound = 0;
        for (int k = 0; k < need.length; k++) {
            capped[k] = Math.max(cluster.minReplicas(), Math.min(cluster.maxReplicas(), need[k]));
            peak = Math.max(peak, capped[k]);
            uncappedPeak = Math.max(uncappedPeak, need[k]);
            bound += need[k] > cluster.maxReplicas() ? 1 : 0;
        }
        OracleSummary summary = new OracleSummary(bound == 0, bound == 0 ? List.of()
                : List.of("--max-replicas " + cluster.maxReplicas() + " binds"), peak, uncappedPeak, bound,
                need.length, Double.NaN, Double.NaN, 0, 0, 0, "", 0);
        return new OraclePlan(cluster.controlIntervalSeconds(), capped, desired(capped, cluster), summary);
    }

    /** Tick k asks for the largest need over intervals k … k + ⌈cold start ÷ interval⌉, within the bounds. */
    static int[] desired(int[] need, ClusterConfig cluster) {
        int ahead = (int) Math.ceil(cluster.coldStartSeconds() / cluster.controlIntervalSeconds() - 1e-9);
        int[] desired = new int[need.length];
        for (int k = 0; k < need.length; k++) {
            int most = cluster.minReplicas();
            for (int m = k; m <= Math.min(need.length - 1, k + ahead); m++) {
                most = Math.max(most, need[m]);
            }
            desired[k] = Math.min(cluster.maxReplicas(), most);
        }
        return desired;
    }

    private static ClusterRun runPlan(List<SimRequest> requests, ClusterConfig cluster, int[] desired) {
        double interval = cluster.controlIntervalSeconds();
        ClusterConfig config = cluster.withReplicas(desired[0], cluster.minReplicas(), cluster.maxReplicas());
        return new ClusterSimulator(config).run(requests, view -> {
            int k = (int) Math.floor(view.nowSeconds() / interval + 1e-9);
            return desired[Math.max(0, Math.min(desired.length - 1, k))];
        });
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** How the plan was found and whether it holds: the report's account of the oracle. */
    public OracleSummary summary() {
        return summary;
    }

    /** Whether the oracle met the attainment target within {@code maxReplicas}; see {@link #summary()} for why not. */
    public boolean feasible() {
        return summary.feasible();
    }

    /** Requests/s per replica in the busiest interval at its need: what a replica carried within the SLO there. */
    public double capacityPerReplica() {
        return summary.peakLoadPerReplica();
    }

    /** The most replicas any interval needs, within {@code maxReplicas}: static peak provisioning. */
    public int peakReplicas() {
        return summary.peakReplicas();
    }

    /** The oracle's replica count at {@code seconds}. */
    public int desiredAt(double seconds) {
        int k = Math.max(0, (int) Math.floor(seconds / intervalSeconds + 1e-9));
        return k < desired.length ? desired[k] : desired[desired.length - 1];
    }

    /** Replicas the interval starting at {@code seconds} needs (no look-ahead), within {@code maxReplicas}. */
    public int needAt(double seconds) {
        int k = Math.max(0, (int) Math.floor(seconds / intervalSeconds + 1e-9));
        return k < need.length ? need[k] : need[need.length - 1];
    }

    /** The per-interval search: sequential, deterministic, bounded. */
    static final class Search {
        private final List<SimRequest> requests;
        private final ClusterConfig cluster;
        private final Slo slo;
        private final SloFeasibility feasibility;
        private final double interval;
        private final int warmUpIntervals;
        private final int ahead;
        /** first[k]: index of the first request arriving in interval k; first[K] = requests.size(). */
        private final int[] first;
        private final int[] allowance;
        /** Failures the search accepted in each interval at its need: what the whole run is checked against. */
        private final int[] accepted;
        private final ClusterSimulator window;
        private int[] need;
        private int simulations;
        /** Accrued and unspent failures, before the interval being searched. */
        private int bank;
        /** Failures of the interval being searched, by candidate count. */
        private final java.util.Map<Integer, Integer> failuresAt = new java.util.HashMap<>();

        /** Each interval searched on its own, n replicas throughout its window (for sizing, where no plan exists). */
        private final boolean standalone;

        Search(List<SimRequest> requests, ClusterConfig cluster, Slo slo, SloFeasibility feasibility) {
            this(requests, cluster, slo, feasibility, false);
        }

        Search(List<SimRequest> requests, ClusterConfig cluster, Slo slo, SloFeasibility feasibility,
                boolean standalone) {
            this.standalone = standalone;
            this.requests = requests;
            this.cluster = cluster;
            this.slo = slo;
            this.feasibility = feasibility;
            this.interval = cluster.controlIntervalSeconds();
            this.warmUpIntervals = (int) Math.max(2, Math.ceil(MIN_WARM_UP_SECONDS / interval - 1e-9));
            this.ahead = (int) Math.ceil(cluster.coldStartSeconds() / interval - 1e-9);
            double end = requests.get(requests.size() - 1).arrivalSeconds();
            int intervals = (int) Math.floor(end / interval) + 1;
            this.first = new int[intervals + 1];
            int i = 0;
            for (int k = 0; k < intervals; k++) {
                first[k] = i;
                double until = (k + 1) * interval;
                while (i < requests.size() && requests.get(i).arrivalSeconds() < until) {
                    i++;
                }
            }
            first[intervals] = requests.size();
            this.allowance = new int[intervals];
            this.accepted = new int[intervals];
            double budget = 1 - slo.attainmentTarget();
            long before = 0;
            for (int k = 0; k < intervals; k++) {
                long upTo = (long) Math.floor(budget * first[k + 1] + 1e-9);
                allowance[k] = (int) (upTo - before) + feasibility.impossibleBetween(first[k], first[k + 1]);
                before = upTo;
            }
            // Window runs: no cold start, scrapes only at decisions, no bound but the search's.
            this.window = new ClusterSimulator(cluster.withReplicas(1, 1, SEARCH_LIMIT).withColdStartSeconds(0)
                    .withScrapeIntervalSeconds(interval));
        }

        int count(int k) {
            return first[k + 1] - first[k];
        }

        int simulations() {
            return simulations;
        }

        /** Every interval's need, in order; an interval with no arrivals needs the minimum. */
        int[] needs() {
            need = new int[first.length - 1];
            int guess = cluster.minReplicas();
            bank = 0;
            for (int k = 0; k < need.length; k++) {
                failuresAt.clear();
                need[k] = count(k) == 0 ? cluster.minReplicas() : fewest(k, guess);
                accepted[k] = failuresAt.getOrDefault(need[k], 0);
                bank += allowance[k] - accepted[k];
                guess = need[k];
            }
            return need;
        }

        /**
         * The most replicas any of the busiest intervals needs, each searched on its own with its window on the
         * same count: the {@code byCount} intervals with the most arrivals and the {@code byTokens} with the most
         * prompt tokens. Cheaper than a plan by the ratio of intervals to candidates; used to size a scenario.
         */
        int peakNeed(int byCount, int byTokens) {
            int intervals = first.length - 1;
            need = new int[intervals];
            long[] tokens = new long[intervals];
            Integer[] order = new Integer[intervals];
            for (int k = 0; k < intervals; k++) {
                order[k] = k;
                for (int i = first[k]; i < first[k + 1]; i++) {
                    tokens[k] += requests.get(i).promptTokens();
                }
            }
            java.util.LinkedHashSet<Integer> candidates = new java.util.LinkedHashSet<>();
            java.util.Arrays.sort(order, (x, y) -> count(y) != count(x) ? Integer.compare(count(y), count(x))
                    : Integer.compare(x, y));
            for (int i = 0; i < Math.min(byCount, intervals); i++) {
                candidates.add(order[i]);
            }
            java.util.Arrays.sort(order, (x, y) -> tokens[y] != tokens[x] ? Long.compare(tokens[y], tokens[x])
                    : Integer.compare(x, y));
            for (int i = 0; i < Math.min(byTokens, intervals); i++) {
                candidates.add(order[i]);
            }
            int most = cluster.minReplicas();
            for (int k : candidates) {
                if (count(k) > 0) {
                    failuresAt.clear();
                    most = Math.max(most, fewest(k, most));
                }
            }
            return most;
        }

        /**
         * Where a whole run failed more requests than the search expected, the intervals to give one more replica:
         * the largest excesses first, until they account for twice the run's shortfall against its budget.
         */
        int[] missedIntervals(ClusterRun run) {
            List<ServedRequest> served = run.requests();
            int intervals = first.length - 1;
            int[] excess = new int[intervals];
            long failed = 0;
            for (int k = 0; k < intervals; k++) {
                int f = 0;
                for (int i = first[k]; i < first[k + 1]; i++) {
                    f += meets(served.get(i)) ? 0 : 1;
                }
                failed += f;
                excess[k] = f - accepted[k];
            }
            long budget = (long) Math.floor((1 - slo.attainmentTarget()) * requests.size() + 1e-9);
            long shortfall = failed - budget;
            Integer[] order = new Integer[intervals];
            for (int k = 0; k < intervals; k++) {
                order[k] = k;
            }
            java.util.Arrays.sort(order, (x, y) -> excess[y] != excess[x] ? Integer.compare(excess[y], excess[x])
                    : Integer.compare(x, y));
            List<Integer> missed = new ArrayList<>();
            long covered = 0;
            for (int k : order) {
                if (excess[k] <= 0 || covered >= 2 * shortfall) {
                    break;
                }
                missed.add(k);
                covered += excess[k];
            }
            return missed.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The smallest n ≥ min passing interval k, searched from {@code guess} outwards. */
        private int fewest(int k, int guess) {
            int lo; // fails (or below the minimum)
            int hi; // passes
            int g = Math.max(cluster.minReplicas(), Math.min(SEARCH_LIMIT, guess));
            if (passes(k, g)) {
                hi = g;
                int step = 1;
                while (true) {
                    int n = hi - step;
                    if (n < cluster.minReplicas()) {
                        lo = cluster.minReplicas() - 1;
                        break;
                    }
                    if (passes(k, n)) {
                        hi = n;
                        step *= 2;
                    } else {
                        lo = n;
                        break;
                    }
                }
            } else {
                lo = g;
                int step = 1;
                while (true) {
                    int n = Math.min(SEARCH_LIMIT, lo + step);
                    if (passes(k, n)) {
                        hi = n;
                        break;
                    }
                    if (n == SEARCH_LIMIT) {
                        throw new InfeasibleSloException(String.format(Locale.ROOT, "the %d requests arriving in"
                                + " %.0f–%.0f s miss the SLO on every count up to %d replicas", count(k),
                                k * interval, (k + 1) * interval, SEARCH_LIMIT));
                    }
                    lo = n;
                    step *= 2;
                }
            }
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (passes(k, mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return hi;
        }

        /** One window simulation: do interval k's requests meet their allowance with n replicas from its start? */
        private boolean passes(int k, int n) {
            simulations++;
            int fromInterval = Math.max(0, k - warmUpIntervals);
            int toInterval = Math.min(first.length - 1, k + 2); // the interval and one more as the tail
            int a = first[fromInterval];
            int b = first[toInterval];
            double origin = fromInterval * interval;
            List<SimRequest> slice = new ArrayList<>(b - a);
            for (int i = a; i < b; i++) {
                SimRequest r = requests.get(i);
                slice.add(new SimRequest(i, r.arrivalSeconds() - origin, r.promptTokens(), r.outputTokens()));
            }
            int[] counts = new int[toInterval - fromInterval];
            for (int j = fromInterval; j < toInterval; j++) {
                counts[j - fromInterval] = ready(j, k, n);
            }
            ClusterSimulator sim = new ClusterSimulator(window.config().withReplicas(counts[0], 1, SEARCH_LIMIT));
            ClusterRun run = sim.run(slice, view -> {
                int j = (int) Math.floor(view.nowSeconds() / interval + 1e-9);
                return counts[Math.max(0, Math.min(counts.length - 1, j))];
            });
            List<ServedRequest> served = run.requests();
            int failed = 0;
            int limit = allowance[k] + Math.min(bank, (int) Math.floor(MAX_SPEND_SHARES * (1 - slo.attainmentTarget())
                    * count(k) + 1e-9));
            for (int i = first[k] - a; i < first[k + 1] - a; i++) {
                if (!meets(served.get(i)) && ++failed > limit) {
                    return false;
                }
            }
            failuresAt.put(n, failed);
            return true;
        }

        /**
         * Replicas serving in interval j under this plan, with n needed in interval k and (not yet known) after it.
         * Tick i asks for {@code d_i}, the most any interval in i … i + ahead needs; a replica serves ahead ticks
         * after it is asked for, and a scale-down removes the newest replicas first, so those serving at j are the
         * ones asked for by tick j − ahead that no later tick up to j removed: {@code min(d_{j−ahead} … d_j)}
         * (ticks before 0 count as tick 0, whose replicas are ready from the start).
         */
        private int ready(int j, int k, int n) {
            if (standalone) {
                return n;
            }
            int least = Integer.MAX_VALUE;
            for (int i = Math.max(0, j - ahead); i <= j; i++) {
                int d = cluster.minReplicas();
                for (int m = i; m <= i + ahead; m++) {
                    d = Math.max(d, m < k ? need[m] : n);
                }
                least = Math.min(least, d);
            }
            return least;
        }

        private boolean meets(ServedRequest r) {
            double itl = r.meanItlSeconds();
            return r.ttftSeconds() <= slo.ttftSeconds() && (Double.isNaN(itl) || itl <= slo.itlSeconds());
        }
    }
}
