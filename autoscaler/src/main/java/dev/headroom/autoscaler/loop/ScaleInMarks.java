package dev.headroom.autoscaler.loop;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What was done, before a scale-in, to choose which replicas go: the ranking, how many go, and whether the ranking
 * was put where the target's controller reads it (in Kubernetes, each pod's {@code pod-deletion-cost}).
 *
 * @param ranking  every replica, the first to go first
 * @param removing how many replicas the scale-in removes
 * @param applied  whether the target's controller will follow the ranking (the costs are on the pods)
 * @param note     what else is worth saying: why it was not applied, how many pods were patched
 */
public record ScaleInMarks(ScaleInRanking ranking, int removing, boolean applied, String note) {

    public ScaleInMarks {
        Objects.requireNonNull(ranking, "ranking");
        Objects.requireNonNull(note, "note");
        if (removing < 0) {
            throw new IllegalArgumentException("a scale-in removes at least no replica, got " + removing);
        }
    }

    /** Nothing was marked, for {@code why}. */
    public static ScaleInMarks notMarked(ScaleInRanking ranking, int removing, String why) {
        return new ScaleInMarks(ranking, removing, false, why);
    }

    /** The replicas expected to go: the first {@link #removing} of the ranking, when it was applied. */
    public List<String> victims() {
        return applied ? ranking.first(removing).stream().map(ScaleInRanking.RankedReplica::pod).toList() : List.of();
    }

    /**
     * One line for an Event or a log, e.g. {@code removing 1 of 3, emptiest first: engine-c (running 0 + waiting
     * 0, kv 0.02); kept: engine-a (running 4 + waiting 1, kv 0.31), ...; 3 pods patched}.
     */
    public String describe() {
        if (!applied) {
            return "removing " + removing + "; victims not chosen by Headroom: " + note;
        }
        List<ScaleInRanking.RankedReplica> all = ranking.replicas();
        List<ScaleInRanking.RankedReplica> going = ranking.first(removing);
        String first = going.stream().map(r -> r.pod() + " (" + r.why() + ")").collect(Collectors.joining(", "));
        String kept = all.subList(going.size(), all.size()).stream().map(r -> r.pod() + " (" + r.why() + ")")
                .collect(Collectors.joining(", "));
        return "removing " + removing + " of " + all.size() + ", emptiest first: " + first
                + (kept.isEmpty() ? "" : "; kept: " + kept) + (note.isEmpty() ? "" : "; " + note);
    }
}
