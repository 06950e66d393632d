package dev.headroom.autoscaler.kubernetes;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Workloads split among several controllers: each workload falls in one of {@code shards} shards
 * ({@link WorkloadKey#shard}), each shard has a {@code coordination.k8s.io/v1} Lease, and a controller decides the
 * workloads of the shards whose Leases it holds. Beside them every controller renews a membership Lease of its
 * own, so that each knows how many are alive and takes its fair share of the shards: with {@code m} members
 * sorted by identity, the {@code i}-th takes {@code shards / m}, one more when {@code i < shards % m}.
 *
 * <p>One round, every retry period ({@link #round()}): renew the membership Lease; list the group's Leases (one
 * LIST); renew the shards held, up to the fair share, and release the rest at once (a controller joins: the others
 * hand over what is now its share); then take free shards (no holder, or a holder that stopped renewing longer
 * than the Lease's duration ago) until the fair share is reached, starting at the member's own offset so that
 * members do not all reach for the same shard. Every write carries the Lease's resourceVersion, so of two
 * controllers reaching for one shard the API server lets one win. A controller that stops without closing keeps
 * its shards until their Leases expire: its membership expires with them, the others' shares grow and they take
 * the shards over in their next round, within the Lease duration plus one retry period of its last renewal.
 * Closing releases the shards and deletes the membership, so the others take over in their next round.
 *
 * <p>A shard counts as held for the renew deadline after its last successful renewal, by this controller's clock;
 * the deadline is below the Lease duration that others wait before taking a shard over, so two controllers never
 * both decide a workload unless their clocks differ by more than that gap. Tied to a {@link LoopHeartbeat}, a
 * controller whose decision loop has stalled gives up its shards and stops renewing its membership, as
 * {@link LeaderElection} gives up its Lease.
 *
 * <p>Cost: per controller and round one LIST of the group's Leases and one write per shard held (plus one for the
 * membership); 256 shards renewed every 2 s are about 130 writes a second across all controllers.
 */
public final class ShardedLeases implements WorkloadOwnership, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ShardedLeases.class.getName());

    /** The label that groups one deployment's Leases; its value is the group's name. */
    public static final String GROUP_LABEL = "headroom.dev/controller-group";
    /** {@code shard} or {@code member}. */
    public static final String ROLE_LABEL = "headroom.dev/lease-role";
    /** The most shards: each is a Lease renewed every retry period. */
    public static final int MAX_SHARDS = 256;

    /**
     * @param namespace     where the Leases live
     * @param group         the prefix of the Leases' names and the value of {@link #GROUP_LABEL} (one per deployment)
     * @param identity      this controller (the pod name)
     * @param shards        how many shards the workloads are split into, 1 to {@link #MAX_SHARDS}; every controller
     *                      of a group must use the same number
     * @param leaseDuration how long a Lease whose holder stopped renewing stays held
     * @param renewDeadline how long after its last renewal this controller still counts a shard as its own
     * @param retryPeriod   how often a round runs
     */
    public record Settings(String namespace, String group, String identity, int shards, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
        public Settings {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(identity, "identity");
            if (shards < 1 || shards > MAX_SHARDS) {
                throw new IllegalArgumentException("shards must be 1 to " + MAX_SHARDS + ", got " + shards);
            }
            if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0
                    && !retryPeriod.isNegative() && !retryPeriod.isZero())) {
                throw new IllegalArgumentException("shard leases need leaseDuration > renewDeadline > "
                        + "retryPeriod > 0, got " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
        }

        /** Kubernetes' own controllers' timings: 15 s lease, 10 s renew deadline, 2 s retry. */
        public static Settings standard(String namespace, String group, String identity, int shards) {
            return new Settings(namespace, group, identity, shards, Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final InstantSource clock;
    private final Optional<LoopHeartbeat> heartbeat;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Shard → until when it counts as held; replaced whole each round. */
    private volatile Map<Integer, Instant> held = Map.of();
    private volatile int members;
    private volatile ScheduledFuture<?> schedule;

    public ShardedLeases(KubernetesClient client, Settings settings, InstantSource clock) {
        this(client, settings, clock, Optional.empty());
    }

    /** Shards held only while {@code heartbeat} says the decision loop is coming round. */
    public ShardedLeases(KubernetesClient client, Settings settings, InstantSource clock,
                         Optional<LoopHeartbeat> heartbeat) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    }

    /** Runs {@link #round()} every retry period on {@code scheduler} until closed. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (closed.get()) {
            throw new IllegalStateException("shard leases were closed");
        }
        if (schedule == null) {
            long period = settings.retryPeriod().toNanos();
            schedule = scheduler.scheduleWithFixedDelay(this::roundSafely, 0, period, TimeUnit.NANOSECONDS);
        }
    }

    private void roundSafely() {
        try {
            round();
        } catch (Throwable e) {
            try {
                LOG.log(Level.WARNING, settings.identity() + ": shard lease round failed; the shards held count "
                        + "until their renew deadline, the next round runs in " + settings.retryPeriod(), e);
            } catch (Throwable ignored) {
                // nothing more can be said
            }
        }
    }

    @Override
    public boolean owns(WorkloadKey key) {
        Instant until = held.get(key.shard(settings.shards()));
        return until != null && clock.instant().isBefore(until);
    }

    /** The shards this controller holds now. */
    public SortedSet<Integer> heldShards() {
        Instant now = clock.instant();
        SortedSet<Integer> out = new TreeSet<>();
        held.forEach((shard, until) -> {
            if (now.isBefore(until)) {
                out.add(shard);
            }
        });
        return out;
    }

    /** How many controllers were alive at the last round, this one included (0 before the first). */
    public int members() {
        return members;
    }

    public Settings settings() {
        return settings;
    }

    public String shardLease(int shard) {
        return settings.group() + "-shard-" + shard;
    }

    public String memberLease() {
        return settings.group() + "-member-" + settings.identity();
    }

    /** One round: renew membership, hand over the shards beyond the fair share, take free ones up to it. */
    public synchronized void round() {
        if (closed.get()) {
            return;
        }
        Instant now = clock.instant();
        if (heartbeat.isPresent() && !heartbeat.get().comingRound()) {
            if (!held.isEmpty()) {
                LOG.severe("the decision loop has not come round since " + heartbeat.get().lastBeat() + ": "
                        + settings.identity() + " gives up shards " + held.keySet()
                        + " and stops renewing its membership until it does");
                releaseAll();
            }
            return;
        }
        Lease self = renewMembership(now);
        List<String> alive = new ArrayList<>();
        Map<Integer, Lease> shards = new HashMap<>();
        for (Lease l : client.leases().inNamespace(settings.namespace()).withLabel(GROUP_LABEL, settings.group())
                .list().getItems()) {
            String role = l.getMetadata().getLabels().get(ROLE_LABEL);
            if ("member".equals(role) && !expired(l, now) && holder(l) != null) {
                alive.add(holder(l));
            } else if ("shard".equals(role)) {
                shardOf(l).ifPresent(s -> shards.put(s, l));
            }
        }
        if (!alive.contains(settings.identity()) && self != null) {
            alive.add(settings.identity());
        }
        alive.sort(null);
        members = alive.size();
        int index = alive.indexOf(settings.identity());
        int share = index < 0 ? 0 : settings.shards() / alive.size()
                + (index < settings.shards() % alive.size() ? 1 : 0);

        Map<Integer, Instant> before = held;
        Map<Integer, Instant> next = new TreeMap<>();
        List<Integer> mine = new ArrayList<>();
        shards.forEach((s, l) -> {
            if (settings.identity().equals(holder(l))) {
                mine.add(s);
            }
        });
        mine.sort(null);
        for (int i = 0; i < mine.size(); i++) {
            int s = mine.get(i);
            if (i < share) {
                write(s, shards.get(s), now, false, before).ifPresent(until -> next.put(s, until));
            } else {
                release(s, shards.get(s));
            }
        }
        int start = alive.isEmpty() || index < 0 ? 0 : index * settings.shards() / alive.size();
        for (int k = 0; k < settings.shards() && next.size() < share; k++) {
            int s = (start + k) % settings.shards();
            Lease l = shards.get(s);
            if (!next.containsKey(s) && (l == null || holder(l) == null || expired(l, now))
                    && !mine.contains(s)) {
                write(s, l, now, true, before).ifPresent(until -> next.put(s, until));
            }
        }
        if (!next.keySet().equals(before.keySet())) {
            LOG.info(settings.identity() + " holds shards " + next.keySet() + " of " + settings.shards() + " ("
                    + alive.size() + " controllers alive, share " + share + ")");
        }
        held = Map.copyOf(next);
    }

    /** Renews (or creates) this controller's membership Lease; null when the write failed. */
    private Lease renewMembership(Instant now) {
        var op = client.leases().inNamespace(settings.namespace()).withName(memberLease());
        try {
            Lease current = op.get();
            if (current == null) {
                return client.leases().inNamespace(settings.namespace()).resource(lease(memberLease(), "member", now,
                        now)).create();
            }
            current.getSpec().setHolderIdentity(settings.identity());
            current.getSpec().setRenewTime(time(now));
            current.getSpec().setLeaseDurationSeconds(durationSeconds());
            return client.leases().inNamespace(settings.namespace()).resource(current).update();
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, settings.identity() + " could not renew its membership Lease " + memberLease(), e);
            return null;
        }
    }

    /**
     * Renews ({@code take} false) or takes ({@code take} true) shard {@code s}, whose Lease is {@code l} (null: none
     * yet). Returns until when it counts as held: the renew deadline on success, what it was before when the API
     * server could not be reached, empty when another controller holds it now.
     */
    private Optional<Instant> write(int s, Lease l, Instant now, boolean take, Map<Integer, Instant> before) {
        try {
            if (l == null) {
                client.leases().inNamespace(settings.namespace()).resource(lease(shardLease(s), "shard", now, now))
                        .create();
            } else {
                if (take) {
                    l.getSpec().setAcquireTime(time(now));
                    Integer transitions = l.getSpec().getLeaseTransitions();
                    l.getSpec().setLeaseTransitions(transitions == null ? 1 : transitions + 1);
                }
                l.getSpec().setHolderIdentity(settings.identity());
                l.getSpec().setRenewTime(time(now));
                l.getSpec().setLeaseDurationSeconds(durationSeconds());
                client.leases().inNamespace(settings.namespace()).resource(l).update();
            }
            return Optional.of(now.plus(settings.renewDeadline()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Optional.empty(); // another controller wrote it first
            }
            LOG.log(Level.WARNING, settings.identity() + " could not " + (take ? "take" : "renew") + " shard Lease "
                    + shardLease(s), e);
            return take ? Optional.empty() : Optional.ofNullable(before.get(s));
        }
    }

    /** Gives shard {@code s} up at once: no holder, so another controller may take it in its next round. */
    private void release(int s, Lease l) {
        try {
            l.getSpec().setHolderIdentity(null);
            client.leases().inNamespace(settings.namespace()).resource(l).update();
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, settings.identity() + " could not release shard Lease " + shardLease(s)
                    + "; it expires by itself", e);
        }
    }

    private void releaseAll() {
        Map<Integer, Instant> was = held;
        held = Map.of();
        for (int s : was.keySet()) {
            try {
                Lease l = client.leases().inNamespace(settings.namespace()).withName(shardLease(s)).get();
                if (l != null && settings.identity().equals(holder(l))) {
                    release(s, l);
                }
            } catch (KubernetesClientException e) {
                LOG.log(Level.WARNING, settings.identity() + " could not read shard Lease " + shardLease(s), e);
            }
        }
    }

    private Lease lease(String name, String role, Instant acquired, Instant renewed) {
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace(settings.namespace())
                .addToLabels(GROUP_LABEL, settings.group()).addToLabels(ROLE_LABEL, role).endMetadata()
                .withNewSpec().withHolderIdentity(settings.identity()).withAcquireTime(time(acquired))
                .withRenewTime(time(renewed)).withLeaseDurationSeconds(durationSeconds()).withLeaseTransitions(0)
                .endSpec().build();
    }

    private Optional<Integer> shardOf(Lease l) {
        String prefix = settings.group() + "-shard-";
        String name = l.getMetadata().getName();
        if (!name.startsWith(prefix)) {
            return Optional.empty();
        }
        try {
            int s = Integer.parseInt(name.substring(prefix.length()));
            return s >= 0 && s < settings.shards() ? Optional.of(s) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String holder(Lease l) {
        String h = l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
        return h == null || h.isEmpty() ? null : h;
    }

    /** Whether {@code l}'s holder stopped renewing longer than the Lease's own duration ago. */
    private static boolean expired(Lease l, Instant now) {
        if (l.getSpec() == null || l.getSpec().getRenewTime() == null) {
            return true;
        }
        Integer seconds = l.getSpec().getLeaseDurationSeconds();
        Instant renewed = l.getSpec().getRenewTime().toInstant();
        return !now.isBefore(renewed.plusSeconds(seconds == null ? 0 : seconds));
    }

    private int durationSeconds() {
        return (int) Math.max(1, (settings.leaseDuration().toMillis() + 999) / 1000);
    }

    private static ZonedDateTime time(Instant t) {
        return t.atZone(ZoneOffset.UTC);
    }

    /** Stops the rounds, releases the shards held and deletes the membership Lease, so others take over at once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ScheduledFuture<?> f = schedule;
            if (f != null) {
                f.cancel(false);
            }
            synchronized (this) {
                releaseAll();
                try {
                    client.leases().inNamespace(settings.namespace()).withName(memberLease()).delete();
                } catch (KubernetesClientException e) {
                    LOG.log(Level.WARNING, settings.identity() + " could not delete its membership Lease "
                            + memberLease() + "; it expires by itself", e);
                }
            }
        }
    }
}
