package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.signals.ManualClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Several controllers sharing the workloads through shard Leases, against fabric8's Kubernetes server in CRUD
 * mode: each workload decided by exactly one, shares rebalanced when a controller joins or leaves, and a stopped
 * controller's workloads taken over within a Lease period. The Leases' times come from one manual clock; the rounds
 * and ticks are driven here, so nothing sleeps.
 */
class ShardedControllersTest {

    static final String NS = "llm";
    static final int SHARDS = 16;
    static final int WORKLOADS = 12;
    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    static final Duration RETRY = Duration.ofSeconds(2);

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
    final List<Replica> replicas = new ArrayList<>();
    KubernetesMockServer server;
    KubernetesClient admin;
    ExecutorService executor;

    /** One controller replica: its own client, shard Leases and controller. */
    record Replica(String id, KubernetesClient client, ShardedLeases leases, HeadroomController controller) {
        void close() {
            controller.close();
            leases.close();
            client.close();
        }
    }

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ScaleSubresourceDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        admin = server.createClient();
        executor = Executors.newFixedThreadPool(4);
        for (int i = 0; i < WORKLOADS; i++) {
            String name = "engine-" + i;
            Workloads.deployment(admin, NS, name, 1);
            Workloads.policy(admin, NS, name,
                    Workloads.spec(name, ScalingMode.DIRECT, 1, 3, Map.of("queue", 4.0)));
        }
    }

    @AfterEach
    void stop() {
        replicas.forEach(Replica::close);
        admin.close();
        server.destroy();
        executor.shutdownNow();
    }

    Replica replica(String id) {
        KubernetesClient client = server.createClient();
        ShardedLeases leases = new ShardedLeases(client,
                new ShardedLeases.Settings(NS, "headroom-controller", id, SHARDS, LEASE, RENEW_DEADLINE, RETRY), clock);
        HeadroomController controller = new HeadroomController(client,
                new HeadroomController.Settings(Optional.of(NS), Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)),
                clock, new HpaCompatiblePolicy(clock),
                new KubernetesScaleActuator(client, Backoff.defaults(), d -> { }),
                new SidecarPoller(Duration.ofMillis(500), clock, executor),
                EngineScrapes.defaults(Duration.ofSeconds(1), Duration.ofMillis(500), clock), 1, LeadershipCheck.ALWAYS,
                leases,
                new EventRecorder(client, clock, id), DecisionListener.NONE);
        controller.watch();
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == WORKLOADS);
        Replica r = new Replica(id, client, leases, controller);
        replicas.add(r);
        return r;
    }

    /** Rounds of every given replica, a retry period apart, until the shares stop changing. */
    void settle(List<Replica> running) {
        for (int pass = 0; pass < 4; pass++) {
            for (Replica r : running) {
                r.leases().round();
            }
            clock.advance(RETRY);
        }
    }

    /** One tick of each given replica: which replicas decided each workload. */
    static Map<WorkloadKey, List<String>> deciders(List<Replica> ticking) {
        Map<WorkloadKey, List<String>> by = new TreeMap<>();
        for (Replica r : ticking) {
            for (WorkloadDecision d : r.controller().tick()) {
                by.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(r.id());
            }
        }
        return by;
    }

    static Set<WorkloadKey> allWorkloads() {
        Set<WorkloadKey> all = new TreeSet<>();
        IntStream.range(0, WORKLOADS).forEach(i -> all.add(new WorkloadKey(NS, "engine-" + i)));
        return all;
    }

    /** Every shard held by exactly one of {@code running}, each holding its fair share. */
    static void assertFairDisjointShares(List<Replica> running) {
        List<Integer> held = new ArrayList<>();
        for (Replica r : running) {
            held.addAll(r.leases().heldShards());
            assertThat(r.leases().heldShards().size()).as(r.id() + "'s share")
                    .isBetween(SHARDS / running.size(), (SHARDS + running.size() - 1) / running.size());
        }
        assertThat(held).as("each shard held once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, SHARDS).boxed().toList());
    }

    /** Each workload decided once, by the replica holding its shard. */
    static void assertEachDecidedByItsShardsHolder(List<Replica> running) {
        Map<WorkloadKey, List<String>> by = deciders(running);
        assertThat(by.keySet()).containsExactlyElementsOf(allWorkloads());
        for (var e : by.entrySet()) {
            String holder = running.stream().filter(r -> r.leases().heldShards().contains(e.getKey().shard(SHARDS)))
                    .map(Replica::id).findFirst().orElseThrow();
            assertThat(e.getValue()).as(e.getKey() + " decided by").containsExactly(holder);
        }
    }

    @Test
    void threeControllersEachDecideTheirShardsAndEveryWorkloadIsDecidedByExactlyOne() {
        List<Replica> three = List.of(replica("controller-a"), replica("controller-b"), replica("controller-c"));
        settle(three);

        assertFairDisjointShares(three);
        assertEachDecidedByItsShardsHolder(three);
        assertThat(three).allSatisfy(r -> assertThat(r.leases().members()).isEqualTo(3));
        // The decision book (what the external metrics API and KEDA serve) holds only the controller's own.
        for (Replica r : three) {
            assertThat(r.controller().all()).allSatisfy(d ->
                    assertThat(r.leases().heldShards()).contains(d.key().shard(SHARDS)));
        }
        int total = three.stream().mapToInt(r -> r.controller().all().size()).sum();
        assertThat(total).isEqualTo(WORKLOADS);
    }

    @Test
    void aControllerThatJoinsTakesItsShareFromTheOthers() {
        List<Replica> two = List.of(replica("controller-a"), replica("controller-b"));
        settle(two);
        assertFairDisjointShares(two);
        assertEachDecidedByItsShardsHolder(two);

        Replica joined = replica("controller-c");
        List<Replica> three = List.of(two.get(0), two.get(1), joined);
        settle(three);

        assertFairDisjointShares(three);
        assertThat(joined.leases().heldShards()).hasSize(5);
        assertEachDecidedByItsShardsHolder(three);
    }

    @Test
    void aStoppedControllersWorkloadsAreTakenOverWithinALeasePeriodAndNeverDecidedTwice() {
        List<Replica> three = List.of(replica("controller-a"), replica("controller-b"), replica("controller-c"));
        settle(three);
        Replica stopped = three.stream().filter(r -> !r.controller().tick().isEmpty()).findFirst().orElseThrow();
        List<Replica> rest = three.stream().filter(r -> r != stopped).toList();
        Set<WorkloadKey> orphaned = new TreeSet<>();
        stopped.controller().all().forEach(d -> orphaned.add(d.key()));
        assertThat(orphaned).isNotEmpty();

        // It stops renewing (stuck, or cut off from the API server) but keeps ticking: it must give its workloads up
        // before anyone takes them.
        Instant lastRenewal = clock.instant().minus(RETRY);
        Duration takenOverAfter = null;
        while (takenOverAfter == null) {
            clock.advance(RETRY);
            rest.forEach(r -> r.leases().round());
            Map<WorkloadKey, List<String>> by = deciders(three);
            assertThat(by.values()).as("no workload decided twice").allSatisfy(ids -> assertThat(ids).hasSize(1));
            if (by.keySet().equals(allWorkloads())
                    && orphaned.stream().noneMatch(k -> by.get(k).contains(stopped.id()))) {
                takenOverAfter = Duration.between(lastRenewal, clock.instant());
            }
            assertThat(Duration.between(lastRenewal, clock.instant())).as("taken over by now")
                    .isLessThanOrEqualTo(LEASE.plus(RETRY));
        }
        assertThat(takenOverAfter).isGreaterThanOrEqualTo(LEASE);
        assertThat(rest).allSatisfy(r -> assertThat(r.leases().members()).isEqualTo(2));
        settle(rest);
        assertFairDisjointShares(rest);
        assertEachDecidedByItsShardsHolder(rest);
    }

    @Test
    void aControllerThatClosesHandsItsShardsOverInTheOthersNextRound() {
        List<Replica> three = List.of(replica("controller-a"), replica("controller-b"), replica("controller-c"));
        settle(three);
        Replica leaving = three.get(1);
        leaving.close();
        replicas.remove(leaving);
        List<Replica> rest = List.of(three.get(0), three.get(2));

        clock.advance(RETRY);
        rest.forEach(r -> r.leases().round());

        assertFairDisjointShares(rest);
        assertEachDecidedByItsShardsHolder(rest);
    }

    @Test
    void aWorkloadsShardIsFixedByItsNamespaceAndName() {
        // FNV-1a of "llm/engine": every controller of every version must agree on it.
        assertThat(new WorkloadKey("llm", "engine").shard(16)).isEqualTo(11);
        assertThat(new WorkloadKey("llm", "engine").shard(256)).isEqualTo(203);
        assertThat(new WorkloadKey("llm", "engine").shard(1)).isZero();
        assertThat(IntStream.range(0, WORKLOADS).map(i -> new WorkloadKey(NS, "engine-" + i).shard(16)).boxed())
                .containsExactly(6, 9, 0, 3, 2, 5, 12, 15, 14, 1, 11, 8);
    }

    @Test
    void shardCountsOutsideOneTo256AreRefused() {
        assertThatThrownBy(() -> ShardedLeases.Settings.standard(NS, "g", "a", 0))
                .hasMessageContaining("shards must be 1 to 256, got 0");
        assertThatThrownBy(() -> ShardedLeases.Settings.standard(NS, "g", "a", 257))
                .hasMessageContaining("got 257");
        assertThat(ShardedLeases.Settings.standard(NS, "g", "a", 256).shards()).isEqualTo(256);
    }
}
