package dev.headroom.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * A continuous-batching engine, one step at a time, after vLLM V1's scheduler.
 *
 * <p>Each step the scheduler spends a token budget ({@code maxNumBatchedTokens}): first one token for every
 * running sequence that is decoding, then prefill chunks for running sequences still prefilling, then — if
 * nothing was preempted this step — it admits waiting requests in arrival order (FCFS, no skipping) while
 * budget, sequence slots ({@code maxNumSeqs}) and KV blocks last. KV blocks of {@code blockSize} tokens are
 * taken as a sequence's computed context grows. When a running sequence needs a block and none is free, the
 * newest running sequence not yet scheduled this step is preempted by recompute: its blocks are freed, it
 * goes to the front of the waiting queue, and it must prefill its prompt and the tokens it already
 * generated again. That order always lets the oldest sequence progress, so the engine cannot deadlock.
 *
 * <p>The model has no clock of its own: the caller says when a step starts ({@link #schedule(double)}),
 * learns how long it lasts from the cost model, and applies it ({@link #finishStep()}). Tokens appear at
 * the end of the step that computed them. Everything is deterministic. Not thread-safe: one owner, or one
 * lock around the model and its {@link #metrics()}.
 */
public final class EngineModel {

    /** The window over which GPU utilisation is reported, as {@code nvidia-smi} samples roughly each second. */
    public static final double GPU_UTILIZATION_WINDOW_SECONDS = 1.0;

    private final EngineConfig config;
    private final EngineMetrics metrics;
    private final BusyTracker busy = new BusyTracker(4096);
    private final ArrayList<Seq> running = new ArrayList<>();
    private final ArrayDeque<Seq> waiting = new ArrayDeque<>();
    private Consumer<RequestResult> finishListener = r -> { };
    private int freeBlocks;
    private long admissions;
    private long steps;

    // The step in flight between schedule() and finishStep().
    private Seq[] order = new Seq[16];
    private Seq[] scheduled = new Seq[16];
    private int[] scheduledTokens = new int[16];
    private int scheduledCount;
    private boolean stepInFlight;
    private double stepStart;
    private double stepEnd;
    private int lastBatchedTokens;
    private long lastContextTokens;

    public EngineModel(EngineConfig config) {
        this.config = config;
        this.metrics = new EngineMetrics(config.maxModelLen());
        this.freeBlocks = config.numGpuBlocks();
    }

    public EngineConfig config() {
        return config;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    /** Called with each request as it finishes, at the end of the step that produced its last token. */
    public void onFinish(Consumer<RequestResult> listener) {
        this.finishListener = listener == null ? r -> { } : listener;
    }

    /**
     * Queues a request at the back of the waiting queue.
     *
     * @throws IllegalArgumentException when prompt + output exceeds {@code maxModelLen}, as vLLM rejects it
     */
    public void submit(SimRequest request) {
        if (request.totalTokens() > config.maxModelLen()) {
            throw new IllegalArgumentException("request " + request.id() + ": prompt (" + request.promptTokens()
                    + ") + output (" + request.outputTokens() + ") tokens exceed maxModelLen " + config.maxModelLen());
        }
        waiting.addLast(new Seq(request));
    }

    public boolean hasWork() {
        return !running.isEmpty() || !waiting.isEmpty();
    }

    public int runningCount() {
        return running.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    public int freeBlocks() {
        return freeBlocks;
    }

    public int usedBlocks() {
        return config.numGpuBlocks() - freeBlocks;
    }

    /** KV-cache usage as vLLM reports it: a fraction of blocks in use, in [0, 1]. */
    public double kvCacheUsage() {
        return (double) usedBlocks() / config.numGpuBlocks();
    }

    /** Share of the last second ending at {@code now} in which a step was executing. */
    public double gpuUtilization(double now) {
        return busy.utilization(now, GPU_UTILIZATION_WINDOW_SECONDS);
    }

    public long stepsTaken() {
        return steps;
    }

    /** Tokens computed in the last scheduled step (decode tokens plus prefill chunk tokens). */
    public int lastBatchedTokens() {
        return lastBatchedTokens;
    }

    /** Context tokens whose KV the last scheduled step read. */
    public long lastContextTokens() {
        return lastContextTokens;
    }

    public boolean stepInFlight() {
        return stepInFlight;
    }

    /** End time of the step in flight; NaN when none is. */
    public double stepEndSeconds() {
        return stepInFlight ? stepEnd : Double.NaN;
    }

    /**
     * Schedules one step starting at {@code now} and returns its modelled duration in seconds, or 0 when
     * there is nothing to run (no step is then in flight). Running/waiting counts and KV usage change
     * here; tokens appear in {@link #finishStep()}.
     */
    public double schedule(double now) {
        if (stepInFlight) {
            throw new IllegalStateException("schedule(" + now + ") called while the step started at " + stepStart
                    + " is still in flight; call finishStep() first");
        }
        if (!hasWork()) {
            return 0;
        }
        steps++;
        scheduledCount = 0;
        int budget = config.maxNumBatchedTokens();
        boolean preempted = false;

        int n = 0;
        ensureOrderCapacity(running.size());
        for (Seq s : running) {
            if (s.isDecoding()) {
                order[n++] = s;
            }
        }
        for (Seq s : running) {
            if (!s.isDecoding()) {
                order[n++] = s;
            }
        }
        for (int k = 0; k < n && budget > 0; k++) {
            Seq s = order[k];
            if (!s.running) {
                continue; // preempted earlier in this step
            }
            int tokens = Math.min(s.needed(), budget);
            while (!allocate(s, tokens)) {
                Seq victim = newestUnscheduled();
                preempt(victim);
                preempted = true;
                if (victim == s) {
                    break;
                }
            }
            if (s.running) {
                add(s, tokens);
                budget -= tokens;
            }
        }

        // vLLM V1 admits no waiting request in a step that had to preempt: it would only thrash.
        while (!preempted && budget > 0 && running.size() < config.maxNumSeqs() && !waiting.isEmpty()) {
            Seq s = waiting.peekFirst();
            int tokens = Math.min(s.needed(), budget);
            if (!allocate(s, tokens)) {
                break; // FCFS: the head waits for blocks, nobody overtakes it
            }
            waiting.pollFirst();
            s.running = true;
            s.admission = ++admissions;
            running.add(s);
            if (Double.isNaN(s.firstScheduled)) {
                s.firstScheduled = now;
                metrics.queueTime.observe(now - s.request.arrivalSeconds());
            }
            add(s, tokens);
            budget -= tokens;
        }

        long batched = 0;
        long decodes = 0;
        long context = 0;
        for (int i = 0; i < scheduledCount; i++) {
            batched += scheduledTokens[i];
            if (scheduled[i].isDecoding()) {
                decodes++;
            }
            context += scheduled[i].computed + scheduledTokens[i];
        }
        lastBatchedTokens = (int) batched;
        lastContextTokens = context;
        double duration = config.stepSeconds(decodes, batched - decodes, context);
        stepStart = now;
        stepEnd = now + duration;
        stepInFlight = true;
        busy.record(stepStart, stepEnd);
        return duration;
    }

    /** Applies the step in flight at its end time: computed tokens, new output tokens, finished requests. */
    public void finishStep() {
        if (!stepInFlight) {
            throw new IllegalStateException("finishStep() called with no step in flight");
        }
        stepInFlight = false;
        double end = stepEnd;
        for (int i = 0; i < scheduledCount; i++) {
            Seq s = scheduled[i];
            scheduled[i] = null;
            s.computed += scheduledTokens[i];
            if (s.computed < s.totalTokens()) {
                continue; // a prefill chunk that did not reach the end of the context
            }
            s.generated++;
            metrics.generationTokens++;
            if (Double.isNaN(s.firstToken)) {
                s.firstToken = end;
                metrics.promptTokens += s.request.promptTokens();
                metrics.timeToFirstToken.observe(end - s.request.arrivalSeconds());
            } else {
                metrics.interTokenLatency.observe(end - s.lastToken);
            }
            s.lastToken = end;
            if (s.generated == s.request.outputTokens()) {
                finish(s, end);
            }
        }
        scheduledCount = 0;
    }

    /** {@link #schedule(double)} then {@link #finishStep()}; returns the step's duration (0 if idle). */
    public double step(double now) {
        double duration = schedule(now);
        if (stepInFlight) {
            finishStep();
        }
        return duration;
    }

    /**
     * Drops every unfinished request (engine shutdown), counting each as {@code finished_reason="abort"}.
     * Returns how many were dropped.
     */
    public int abortAll() {
        return abortUnfinished().size();
    }

    /**
     * A request dropped unfinished: its id and the output tokens it had produced (0: it never got its first token;
     * more: its stream was cut off mid-generation).
     */
    public record Aborted(long id, int generated) {
    }

    /**
     * As {@link #abortAll()}, saying which requests were dropped: the running ones in admission order, then the
     * waiting ones in queue order.
     */
    public java.util.List<Aborted> abortUnfinished() {
        java.util.List<Aborted> aborted = new ArrayList<>(running.size() + waiting.size());
        for (Seq s : running) {
            aborted.add(new Aborted(s.request.id(), s.generated));
        }
        for (Seq s : waiting) {
            aborted.add(new Aborted(s.request.id(), s.generated));
        }
        int dropped = aborted.size();
        for (Seq s : running) {
            freeBlocks += s.blocks;
            s.blocks = 0;
            s.running = false;
        }
        running.clear();
        waiting.clear();
        metrics.finishedAbort += dropped;
        stepInFlight = false;
        scheduledCount = 0;
        return aborted;
    }

    private void finish(Seq s, double end) {
        running.remove(s);
        s.running = false;
        freeBlocks += s.blocks;
        s.blocks = 0;
        metrics.finishedLength++;
        SimRequest r = s.request;
        metrics.e2eLatency.observe(end - r.arrivalSeconds());
        metrics.inferenceTime.observe(end - s.firstScheduled);
        metrics.prefillTime.observe(s.firstToken - s.firstScheduled);
        metrics.decodeTime.observe(end - s.firstToken);
        metrics.requestPromptTokens.observe(r.promptTokens());
        metrics.requestGenerationTokens.observe(r.outputTokens());
        finishListener.accept(new RequestResult(r.id(), r.arrivalSeconds(), s.firstScheduled, s.firstToken, end,
                r.promptTokens(), r.outputTokens(), s.preemptions));
    }

    private boolean allocate(Seq s, int tokens) {
        int blockSize = config.blockSize();
        int needed = (s.computed + tokens + blockSize - 1) / blockSize - s.blocks;
        if (needed > freeBlocks) {
            return false;
        }
        if (needed > 0) {
            freeBlocks -= needed;
            s.blocks += needed;
        }
        return true;
    }

    private Seq newestUnscheduled() {
        Seq newest = null;
        for (Seq s : running) {
            if (s.scheduledInStep != steps && (newest == null || s.admission > newest.admission)) {
                newest = s;
            }
        }
        return newest;
    }

    private void preempt(Seq s) {
        running.remove(s);
        s.running = false;
        freeBlocks += s.blocks;
        s.blocks = 0;
        s.computed = 0;
        s.preemptions++;
        metrics.preemptions++;
        waiting.addFirst(s);
    }

    private void add(Seq s, int tokens) {
        if (scheduledCount == scheduled.length) {
            scheduled = java.util.Arrays.copyOf(scheduled, scheduledCount * 2);
            scheduledTokens = java.util.Arrays.copyOf(scheduledTokens, scheduledCount * 2);
        }
        s.scheduledInStep = steps;
        scheduled[scheduledCount] = s;
        scheduledTokens[scheduledCount] = tokens;
        scheduledCount++;
    }

    private void ensureOrderCapacity(int n) {
        if (order.length < n) {
            order = new Seq[Math.max(n, order.length * 2)];
        }
    }

    /** A request's mutable scheduling state. */
    private static final class Seq {
        final SimRequest request;
        int computed;      // tokens whose KV is in the cache
        int generated;     // output tokens produced so far
        int blocks;        // KV blocks held
        int preemptions;
        long admission;    // order of (re)admission into running; larger is newer
        long scheduledInStep = -1;
        boolean running;
        double firstScheduled = Double.NaN;
        double firstToken = Double.NaN;
        double lastToken = Double.NaN;

        Seq(SimRequest request) {
            this.request = request;
        }

        int totalTokens() {
            return request.promptTokens() + generated;
        }

        int needed() {
            return totalTokens() - computed;
        }

        boolean isDecoding() {
            return generated > 0 && needed() == 1;
        }
    }
}
