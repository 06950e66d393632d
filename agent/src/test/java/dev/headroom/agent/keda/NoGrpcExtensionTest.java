package dev.headroom.agent.keda;

import dev.headroom.agent.keda.externalscaler.ExternalScalerGrpc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The KEDA scaler's stubs come from the code generation alone (quarkus-grpc-stubs), not from the quarkus-grpc
 * extension: the extension's start-up work (its configuration, the gRPC client's name resolvers, Stork) ran in
 * every role, the sidecar's included, for about 300 classes that nothing used. KedaServer serves the stubs with
 * Vert.x's gRPC server.
 */
class NoGrpcExtensionTest {

    @Test
    void theStubsAreGeneratedWithoutTheGrpcExtension() {
        assertThat(ExternalScalerGrpc.getIsActiveMethod().getFullMethodName())
                .isEqualTo("externalscaler.ExternalScaler/IsActive");
        assertThatThrownBy(() -> Class.forName("io.quarkus.grpc.runtime.GrpcServerRecorder"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.quarkus.grpc.runtime.stork.GrpcStorkRecorder"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.smallrye.stork.Stork"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
