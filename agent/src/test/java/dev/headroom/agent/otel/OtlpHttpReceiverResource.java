package dev.headroom.agent.otel;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a real OTLP/HTTP receiver before the application and points the application's exporter at it, the
 * way an operator would: {@code headroom.otlp.*} keys only.
 */
public class OtlpHttpReceiverResource implements QuarkusTestResourceLifecycleManager {

    private OtlpHttpReceiver receiver;

    @Override
    public Map<String, String> start() {
        try {
            receiver = new OtlpHttpReceiver();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start the OTLP receiver on loopback", e);
        }
        return Map.of(
                "headroom.otlp.enabled", "true",
                "headroom.otlp.protocol", "http/protobuf",
                "headroom.otlp.endpoint", receiver.endpoint() + "/v1/metrics",
                "headroom.otlp.headers.authorization", "Bearer otlp-test-token",
                "headroom.otlp.interval", "250ms",
                "headroom.otlp.pod", "llm-0",
                "headroom.otlp.namespace", "inference",
                "headroom.otlp.resource-attributes.\"deployment.environment.name\"", "test",
                // A short window, so that once the load has drained every rate settles and can be compared exactly.
                "headroom.sidecar.window", "2s");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(receiver, new TestInjector.MatchesType(OtlpHttpReceiver.class));
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }
}
