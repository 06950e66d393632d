package dev.headroom.agent.otel;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts a real OTLP/gRPC receiver before the application and points the exporter at it over gRPC. */
public class OtlpGrpcReceiverResource implements QuarkusTestResourceLifecycleManager {

    private OtlpGrpcReceiver receiver;

    @Override
    public Map<String, String> start() {
        try {
            receiver = new OtlpGrpcReceiver();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the OTLP/gRPC receiver on loopback", e);
        }
        return Map.of(
                "headroom.otlp.enabled", "true",
                "headroom.otlp.protocol", "grpc",
                "headroom.otlp.endpoint", receiver.endpoint(),
                "headroom.otlp.headers.x-scope-orgid", "team-a",
                "headroom.otlp.interval", "250ms",
                "headroom.otlp.service-name", "headroom-sidecar-grpc",
                "headroom.otlp.pod", "llm-1",
                "headroom.otlp.namespace", "inference",
                "headroom.otlp.model", "served-model");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(receiver, new TestInjector.MatchesType(OtlpGrpcReceiver.class));
    }

    @Override
    public void stop() {
        if (receiver != null) {
            try {
                receiver.close();
            } catch (Exception e) {
                throw new IllegalStateException("OTLP/gRPC receiver did not stop", e);
            }
        }
    }
}
