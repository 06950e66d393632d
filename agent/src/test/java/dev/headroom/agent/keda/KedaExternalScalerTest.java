package dev.headroom.agent.keda;

import dev.headroom.agent.external.Decisions;
import dev.headroom.agent.external.TestCertificates;
import dev.headroom.agent.keda.externalscaler.ExternalScalerGrpc;
import dev.headroom.agent.keda.externalscaler.GetMetricSpecResponse;
import dev.headroom.agent.keda.externalscaler.GetMetricsRequest;
import dev.headroom.agent.keda.externalscaler.IsActiveResponse;
import dev.headroom.agent.keda.externalscaler.MetricValue;
import dev.headroom.agent.keda.externalscaler.ScaledObjectRef;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ExternalMetricValue;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Headroom's KEDA external scaler as KEDA calls it: grpc-java's generated blocking stubs, built from the same
 * {@code externalscaler.proto}, over TLS with a client certificate, to the scaler's own port on loopback. The
 * certificates are made at test time; the decision book is filled by hand.
 */
class KedaExternalScalerTest {

    static final int MAX_STREAMS = 8;

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static Vertx vertx;

    final Decisions book = new Decisions();
    KedaServer server;
    int port;
    final List<ManagedChannel> channels = new ArrayList<>();
    ExternalScalerGrpc.ExternalScalerBlockingStub keda;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void vertxDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() throws Exception {
        server = new KedaServer(vertx, book);
        port = server.start(new KedaSettings("127.0.0.1", 0, certs.serverCertPem, certs.serverKeyPem,
                certs.requestHeaderCaPem, Map.of("front-proxy-client", Set.of("inference"),
                "someone-else", Set.of("elsewhere")), MAX_STREAMS, Duration.ofSeconds(30), Duration.ofMillis(100)),
                InstantSource.system());
        keda = ExternalScalerGrpc.newBlockingStub(channel(Optional.of(certs.aggregator)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        server.close();
    }

    ManagedChannel channel(Optional<TestCertificates.Identity> identity) throws Exception {
        SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(certs.serverCert);
        identity.ifPresent(i -> tls.keyManager(i.key(), i.chain().toArray(X509Certificate[]::new)));
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).overrideAuthority("localhost")
                .sslContext(tls.build()).build();
        channels.add(c);
        return c;
    }

    @Test
    void theMetricSpecIsOneAverageValuePerReplicaWithTheFloatFieldSet() {
        GetMetricSpecResponse spec = stub().getMetricSpec(ref("llama", Map.of()));

        assertThat(spec.getMetricSpecsCount()).isEqualTo(1);
        assertThat(spec.getMetricSpecs(0).getMetricName()).isEqualTo("headroom_desired_replicas");
        assertThat(spec.getMetricSpecs(0).getTargetSizeFloat()).isEqualTo(1.0);
        assertThat(spec.getMetricSpecs(0).getTargetSize()).isEqualTo(1);
        assertThat(stub().getMetricSpec(ref("llama", Map.of("metric", "recommended"))).getMetricSpecs(0).getMetricName())
                .isEqualTo("headroom_recommended_replicas");
    }

    @Test
    void metricsReproduceTheDecisionThroughKedasAverageValueArithmetic() {
        book.put(Decisions.decision("inference", "llama", ScalingMode.KEDA, Instant.now(), 10, 3,
                DecisionReason.SCALE_DOWN));

        MetricValue v = stub().getMetrics(GetMetricsRequest.newBuilder()
                .setScaledObjectRef(ref("llama-so", Map.of("workload", "llama")))
                .setMetricName("s0-headroom_desired_replicas").build()).getMetricValues(0);

        assertThat(v.getMetricName()).isEqualTo("s0-headroom_desired_replicas");
        assertThat(v.getMetricValueFloat()).isEqualTo(2.001);
        assertThat(v.getMetricValue()).isEqualTo(3);
        // KEDA reports milli-units to the HPA; with AverageValue 1 and 10 replicas now, the HPA lands on 3.
        assertThat(ExternalMetricValue.hpaReplicas(Math.round(v.getMetricValueFloat() * 1000), 10, 1000, 0.1, 0.1))
                .isEqualTo(3);
        assertThat(stub().isActive(ref("llama", Map.of())).getResult()).isTrue();
    }

    @Test
    void missingDataIsAnErrorForMetricsAndNeverInactive() {
        book.put(Decisions.decision("inference", "llama", ScalingMode.KEDA, Instant.now(), 4, 4,
                DecisionReason.HELD_NO_DATA));
        book.put(Decisions.decision("inference", "stale", ScalingMode.KEDA, Instant.now().minusSeconds(3600), 4, 0,
                DecisionReason.SCALE_DOWN));

        assertThatThrownBy(() -> stub().getMetrics(metrics("llama")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("inference/llama").contains("no data");
                });
        assertThatThrownBy(() -> stub().getMetrics(metrics("stale")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThatThrownBy(() -> stub().getMetrics(metrics("unknown")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(stub().isActive(ref("llama", Map.of())).getResult()).as("held for no data").isTrue();
        assertThat(stub().isActive(ref("stale", Map.of())).getResult()).as("stale zero").isTrue();
        assertThat(stub().isActive(ref("unknown", Map.of())).getResult()).as("no decision").isTrue();
    }

    @Test
    void onlyAFreshDecisionForZeroOrAWorkloadAtZeroIsInactive() {
        book.put(Decisions.decision("inference", "idle", ScalingMode.KEDA, Instant.now(), 1, 0,
                DecisionReason.SCALE_DOWN));
        book.put(Decisions.decision("inference", "asleep", ScalingMode.KEDA, Instant.now(), 0, 0,
                DecisionReason.HELD_NO_DATA));

        assertThat(stub().isActive(ref("idle", Map.of())).getResult()).isFalse();
        assertThat(stub().isActive(ref("asleep", Map.of())).getResult()).isFalse();
    }

    @Test
    void aPolicyInAnotherModeIsNotServedAndBadMetadataIsAnInvalidArgument() {
        book.put(Decisions.decision("inference", "llama", ScalingMode.DIRECT, Instant.now(), 2, 5,
                DecisionReason.SCALE_UP));

        assertThatThrownBy(() -> stub().getMetrics(metrics("llama")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("Direct");
                });
        assertThatThrownBy(() -> stub().isActive(ref("llama", Map.of("metric", "cpu"))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("'cpu'");
                });
    }

    @Test
    void streamIsActiveSendsTheAnswerAtOnceAndAgainWhenItChanges() {
        Iterator<IsActiveResponse> stream = stub().streamIsActive(ref("llama", Map.of()));

        assertThat(stream.next().getResult()).as("no decision yet").isTrue();
        book.put(Decisions.decision("inference", "llama", ScalingMode.KEDA, Instant.now(), 1, 0,
                DecisionReason.SCALE_DOWN));
        assertThat(stream.next().getResult()).as("after a fresh decision for zero").isFalse();
    }

    @Test
    void streamMetricSpecSendsTheSpecAtOnce() {
        Iterator<GetMetricSpecResponse> stream = stub().streamMetricSpec(ref("llama", Map.of()));

        GetMetricSpecResponse first = stream.next();
        assertThat(first.getMetricSpecs(0).getMetricName()).isEqualTo("headroom_desired_replicas");
        assertThat(first.getMetricSpecs(0).getTargetSizeFloat()).isEqualTo(1.0);
    }

    @Test
    void withoutACertificateFromTheClientCaThereIsNoConnection() throws Exception {
        for (Optional<TestCertificates.Identity> who : List.of(Optional.<TestCertificates.Identity>empty(),
                Optional.of(certs.otherCa))) {
            var stranger = ExternalScalerGrpc.newBlockingStub(channel(who)).withDeadlineAfter(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> stranger.isActive(ref("llama", Map.of())))
                    .as("client certificate %s", who.map(i -> i.chain().get(0).getSubjectX500Principal()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void aClientReadsOnlyTheNamespacesItsNameIsGiven() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.KEDA, Instant.now(), 2, 3,
                DecisionReason.SCALE_UP));
        var other = ExternalScalerGrpc.newBlockingStub(channel(Optional.of(certs.notAllowedName)))
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        assertThat(stub().getMetrics(metrics("llama")).getMetricValues(0).getMetricValueFloat()).isEqualTo(3.0);
        assertThatThrownBy(() -> other.getMetrics(metrics("llama")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains("'someone-else'").contains("'inference'");
                });
        assertThatThrownBy(() -> other.streamIsActive(ref("llama", Map.of())).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(server.openStreams()).isZero();
    }

    @Test
    void streamsBeyondTheCapAreRefusedAndAClientThatLeavesLeavesNothingOpen() throws Exception {
        ManagedChannel many = channel(Optional.of(certs.aggregator));
        var stub = ExternalScalerGrpc.newBlockingStub(many).withDeadlineAfter(20, TimeUnit.SECONDS);
        List<Iterator<IsActiveResponse>> open = new ArrayList<>();
        for (int i = 0; i < MAX_STREAMS; i++) {
            Iterator<IsActiveResponse> s = stub.streamIsActive(ref("llama-" + i, Map.of()));
            assertThat(s.next().getResult()).isTrue();
            open.add(s);
        }
        assertThat(server.openStreams()).isEqualTo(MAX_STREAMS);

        assertThatThrownBy(() -> stub().streamIsActive(ref("one-too-many", Map.of())).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("at most " + MAX_STREAMS)
                            .contains("headroom.keda.max-streams");
                });
        assertThat(server.refusedStreams()).isEqualTo(1);

        many.shutdownNow().awaitTermination(5, TimeUnit.SECONDS); // the client goes without a word
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
        assertThat(stub().streamIsActive(ref("after", Map.of())).next().getResult())
                .as("the slots are free again").isTrue();
    }

    @Test
    void decisionsAreReadOnThisPortForTheCallersNamespacesOnly() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.KEDA, Instant.now(), 2, 3,
                DecisionReason.SCALE_UP));
        book.put(Decisions.decision("elsewhere", "mistral", ScalingMode.DIRECT, Instant.now(), 2, 2,
                DecisionReason.WITHIN_TOLERANCE));

        assertThat(decisions(certs.aggregator)).contains("\"client\":\"front-proxy-client\"")
                .contains("\"workload\":\"llama\"").doesNotContain("mistral");
        assertThat(decisions(certs.notAllowedName)).contains("\"workload\":\"mistral\"").doesNotContain("llama");
    }

    private String decisions(TestCertificates.Identity who) throws Exception {
        var http = java.net.http.HttpClient.newBuilder().sslContext(certs.clientContext(who))
                .connectTimeout(Duration.ofSeconds(5)).build();
        var response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("https://localhost:" + port + "/v1/decisions")).timeout(Duration.ofSeconds(10))
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Every call bounded in time: a stream that stops sending fails the test instead of hanging it. */
    private ExternalScalerGrpc.ExternalScalerBlockingStub stub() {
        return keda.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static ScaledObjectRef ref(String name, Map<String, String> metadata) {
        return ScaledObjectRef.newBuilder().setName(name).setNamespace("inference")
                .putScalerMetadata("scalerAddress", "headroom.headroom.svc:9443")
                .putAllScalerMetadata(metadata).build();
    }

    private static GetMetricsRequest metrics(String name) {
        return GetMetricsRequest.newBuilder().setScaledObjectRef(ref(name, Map.of()))
                .setMetricName("s0-headroom_desired_replicas").build();
    }
}
