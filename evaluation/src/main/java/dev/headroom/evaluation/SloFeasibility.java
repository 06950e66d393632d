package dev.headroom.evaluation;

import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterSimulator;
import dev.headroom.simulator.cluster.Controllers;
import dev.headroom.simulator.cluster.ServedRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which requests miss the SLO even alone on an idle replica, and whether that leaves the SLO reachable at all.
 * More replicas cannot shorten one request's prefill or its decode at a batch of one, so these requests fail
 * under every plan. Time to first token alone grows with the prompt, the mean time per output token alone with
 * prompt + output; each threshold is found by bisection over the mix's sorted lengths, one tiny simulation per
 * step (about 17 for 100,000 distinct lengths).
 */
final class SloFeasibility {

    private final int[] impossibleBefore; // prefix sums over request indices
    private final String reason;
    /** Prompts of at least this many tokens miss the TTFT objective alone; MAX_VALUE when none do. */
    private final int slowPrompt;
    /** Requests ordered by (prompt + output, output) at or past this one miss the ITL objective alone; null: none. */
    private final SimRequest slowDecode;

    private SloFeasibility(int[] impossibleBefore, String reason, int slowPrompt, SimRequest slowDecode) {
        this.impossibleBefore = impossibleBefore;
        this.reason = reason;
        this.slowPrompt = slowPrompt;
        this.slowDecode = slowDecode;
    }

    /** Whether {@code r} misses the SLO alone on an idle replica, by the thresholds found for the checked mix. */
    boolean failsAlone(SimRequest r) {
        if (r.promptTokens() >= slowPrompt) {
            return true;
        }
        return slowDecode != null && r.outputTokens() > 1 && (r.totalTokens() > slowDecode.totalTokens()
                || (r.totalTokens() == slowDecode.totalTokens() && r.outputTokens() >= slowDecode.outputTokens()));
    }

    /** The same thresholds applied to another list of requests of the same mix (a rescaled replay of it). */
    SloFeasibility forRequests(List<SimRequest> requests) {
        int[] before = new int[requests.size() + 1];
        for (int i = 0; i < requests.size(); i++) {
            before[i + 1] = before[i] + (failsAlone(requests.get(i)) ? 1 : 0);
        }
        return new SloFeasibility(before, reason, slowPrompt, slowDecode);
    }

    /**
     * @throws InfeasibleSloException when more requests fail alone than the attainment target allows to fail
     */
    static SloFeasibility check(List<SimRequest> requests, ClusterConfig cluster, Slo slo) {
        ClusterSimulator alone = new ClusterSimulator(cluster.withReplicas(1, 1, 1).withColdStartSeconds(0));
        int n = requests.size();
        boolean[] fails = new boolean[n];
        List<String> reasons = new ArrayList<>();

        // TTFT alone: monotone in the prompt.
        int[] prompts = requests.stream().mapToInt(SimRequest::promptTokens).distinct().sorted().toArray();
        int firstSlowPrompt = firstFailing(prompts.length, i -> run(alone, prompts[i], 1).ttftSeconds() > slo.ttftSeconds());
        int slowPrefills = 0;
        int slowPrompt = Integer.MAX_VALUE;
        SimRequest slowDecode = null;
        if (firstSlowPrompt < prompts.length) {
            slowPrompt = prompts[firstSlowPrompt];
            int threshold = prompts[firstSlowPrompt];
            for (int i = 0; i < n; i++) {
                if (requests.get(i).promptTokens() >= threshold) {
                    fails[i] = true;
                    slowPrefills++;
                }
            }
            reasons.add(String.format(Locale.ROOT, "%,d requests have prompts of %,d tokens or more, whose prefill"
                    + " alone on an idle replica takes %.2f s or more, over the TTFT objective of %s s", slowPrefills,
                    threshold, run(alone, threshold, 1).ttftSeconds(), Numbers.plain(slo.ttftSeconds())));
        }

        // Mean ITL alone: close to monotone in prompt + output; requests ordered by it, each judged with its lengths.
        Integer[] byLength = new Integer[n];
        for (int i = 0; i < n; i++) {
            byLength[i] = i;
        }
        Arrays.sort(byLength, Comparator.comparingInt((Integer i) -> requests.get(i).totalTokens())
                .thenComparingInt(i -> requests.get(i).outputTokens()));
        int firstSlowDecode = firstFailing(n, i -> {
            SimRequest r = requests.get(byLength[i]);
            double itl = run(alone, r.promptTokens(), r.outputTokens()).meanItlSeconds();
            return !Double.isNaN(itl) && itl > slo.itlSeconds();
        });
        if (firstSlowDecode < n) {
            int slowDecodes = 0;
            for (int i = firstSlowDecode; i < n; i++) {
                int index = byLength[i];
                if (!fails[index] && requests.get(index).outputTokens() > 1) {
                    fails[index] = true;
                    slowDecodes++;
                }
            }
            SimRequest r = requests.get(byLength[firstSlowDecode]);
            slowDecode = r;
            reasons.add(String.format(Locale.ROOT, "%,d requests of %,d tokens or more (prompt + output) decode alone"
                    + " on an idle replica at %.0f ms per token or more, over the ITL objective of %s ms", slowDecodes,
                    r.totalTokens(), run(alone, r.promptTokens(), r.outputTokens()).meanItlSeconds() * 1000,
                    Numbers.plain(slo.itlSeconds() * 1000)));
        }

        int[] before = new int[n + 1];
        for (int i = 0; i < n; i++) {
            before[i + 1] = before[i] + (fails[i] ? 1 : 0);
        }
        int impossible = before[n];
        long allowed = (long) Math.floor((1 - slo.attainmentTarget()) * n + 1e-9);
        String reason = String.join("; ", reasons);
        if (impossible > allowed) {
            throw new InfeasibleSloException(String.format(Locale.ROOT, "no number of replicas can meet the SLO"
                    + " (TTFT ≤ %s s, mean ITL ≤ %s s for %s %% of requests) for this mix: %s. That is %,d of %,d"
                    + " requests (%.2f %%); the target lets at most %,d miss.", Numbers.plain(slo.ttftSeconds()),
                    Numbers.plain(slo.itlSeconds()), Numbers.plain(slo.attainmentTarget() * 100), reason, impossible, n,
                    100.0 * impossible / n, allowed));
        }
        return new SloFeasibility(before, reason, slowPrompt, slowDecode);
    }

    /** The smallest index in [0, size) for which {@code fails} holds, assuming it holds from there on; size if none. */
    private static int firstFailing(int size, java.util.function.IntPredicate fails) {
        if (size == 0 || !fails.test(size - 1)) {
            return size;
        }
        int lo = -1;
        int hi = size - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (fails.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    private static ServedRequest run(ClusterSimulator alone, int prompt, int output) {
        return alone.run(List.of(new SimRequest(0, 0, prompt, output)), Controllers.fixed(1)).requests().get(0);
    }

    /** Requests failing alone, over all. */
    int impossible() {
        return impossibleBefore[impossibleBefore.length - 1];
    }

    /** Requests failing alone among indices [from, to). */
    int impossibleBetween(int from, int to) {
        return impossibleBefore[to] - impossibleBefore[from];
    }

    /** Why they fail, in words; empty when none do. */
    String reason() {
        return reason;
    }
}
