package dev.headroom.agent.keda;

import dev.headroom.agent.keda.externalscaler.ExternalScaler;
import dev.headroom.agent.keda.externalscaler.GetMetricSpecResponse;
import dev.headroom.agent.keda.externalscaler.GetMetricsRequest;
import dev.headroom.agent.keda.externalscaler.GetMetricsResponse;
import dev.headroom.agent.keda.externalscaler.IsActiveResponse;
import dev.headroom.agent.keda.externalscaler.ScaledObjectRef;
import dev.headroom.autoscaler.kubernetes.DecisionBook;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Function;

/**
 * KEDA's {@code externalscaler.ExternalScaler} service over gRPC, adapting {@link KedaScaler}. Invalid trigger
 * metadata is {@code INVALID_ARGUMENT}; a metric without a value is {@code NOT_FOUND} (no decision),
 * {@code FAILED_PRECONDITION} (the policy is in another mode) or {@code UNAVAILABLE} (no data, stale decision).
 * The streams look again every {@code headroom.keda.stream-interval} and send only when the answer changes.
 */
@GrpcService
public class KedaExternalScalerService implements ExternalScaler {

    private final KedaScaler scaler;
    private final Duration streamInterval;

    public KedaExternalScalerService(DecisionBook book, KedaConfig config) {
        this.scaler = new KedaScaler(book, InstantSource.system(), config.maxDecisionAge());
        if (config.streamInterval().isZero() || config.streamInterval().isNegative()) {
            throw new IllegalArgumentException("headroom.keda.stream-interval must be positive, got "
                    + config.streamInterval());
        }
        this.streamInterval = config.streamInterval();
    }

    @Override
    public Uni<IsActiveResponse> isActive(ScaledObjectRef request) {
        return Uni.createFrom().item(() -> activity(trigger(request)));
    }

    @Override
    public Multi<IsActiveResponse> streamIsActive(ScaledObjectRef request) {
        return watch(request, this::activity);
    }

    @Override
    public Uni<GetMetricSpecResponse> getMetricSpec(ScaledObjectRef request) {
        return Uni.createFrom().item(() -> scaler.metricSpec(trigger(request)));
    }

    @Override
    public Multi<GetMetricSpecResponse> streamMetricSpec(ScaledObjectRef request) {
        return watch(request, scaler::metricSpec);
    }

    @Override
    public Uni<GetMetricsResponse> getMetrics(GetMetricsRequest request) {
        return Uni.createFrom().item(() -> {
            KedaTrigger trigger = trigger(request.getScaledObjectRef());
            try {
                return scaler.metrics(trigger, request.getMetricName());
            } catch (KedaScaler.NoValueException e) {
                Status status = switch (e.why()) {
                    case NO_DECISION -> Status.NOT_FOUND;
                    case OTHER_MODE -> Status.FAILED_PRECONDITION;
                    case NO_DATA, STALE -> Status.UNAVAILABLE;
                };
                throw status.withDescription(e.getMessage()).asRuntimeException();
            }
        });
    }

    private IsActiveResponse activity(KedaTrigger trigger) {
        return IsActiveResponse.newBuilder().setResult(scaler.isActive(trigger)).build();
    }

    /** The answer now, then again on each change; invalid metadata fails the stream at once. */
    private <T> Multi<T> watch(ScaledObjectRef request, Function<KedaTrigger, T> answer) {
        KedaTrigger trigger;
        try {
            trigger = trigger(request);
        } catch (StatusRuntimeException e) {
            return Multi.createFrom().failure(e);
        }
        Multi<Long> ticks = Multi.createBy().concatenating().streams(Multi.createFrom().item(0L),
                Multi.createFrom().ticks().every(streamInterval));
        return ticks.map(t -> answer.apply(trigger)).skip().repetitions();
    }

    private static KedaTrigger trigger(ScaledObjectRef ref) {
        try {
            return KedaTrigger.of(ref);
        } catch (KedaTrigger.InvalidTriggerException e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
    }
}
