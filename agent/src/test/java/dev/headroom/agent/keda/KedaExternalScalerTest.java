package dev.headroom.agent.keda;

import dev.headroom.agent.external.Decisions;
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
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Headroom's KEDA external scaler as KEDA calls it: grpc-java's generated blocking stubs, built from the same
 * {@code externalscaler.proto}, over HTTP/2 cleartext to the agent's HTTP port.
 */
@QuarkusTest
class KedaExternalScalerTest {

    @Inject
    TestDecisionBook book;

    ManagedChannel channel;
    ExternalScalerGrpc.ExternalScalerBlockingStub keda;

    @BeforeEach
    void connect() {
        book.clear();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", RestAssured.port).usePlaintext().build();
        keda = ExternalScalerGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
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
                    assertThat(e.getStatus().getDescription()).contains("direct");
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
        channel.shutdownNow();
    }

    @Test
    void streamMetricSpecSendsTheSpecAtOnce() {
        Iterator<GetMetricSpecResponse> stream = stub().streamMetricSpec(ref("llama", Map.of()));

        GetMetricSpecResponse first = stream.next();
        assertThat(first.getMetricSpecs(0).getMetricName()).isEqualTo("headroom_desired_replicas");
        assertThat(first.getMetricSpecs(0).getTargetSizeFloat()).isEqualTo(1.0);
        channel.shutdownNow();
    }

    /** Every call bounded in time: a stream that stops sending fails the test instead of hanging it. */
    private ExternalScalerGrpc.ExternalScalerBlockingStub stub() {
        return keda.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static ScaledObjectRef ref(String name, Map<String, String> metadata) {
        return ScaledObjectRef.newBuilder().setName(name).setNamespace("inference")
                .putScalerMetadata("scalerAddress", "headroom-controller.headroom:8480")
                .putAllScalerMetadata(metadata).build();
    }

    private static GetMetricsRequest metrics(String name) {
        return GetMetricsRequest.newBuilder().setScaledObjectRef(ref(name, Map.of()))
                .setMetricName("s0-headroom_desired_replicas").build();
    }
}
