package dev.headroom.agent.otel;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC metrics receiver on loopback (HTTP/2 cleartext, Vert.x's gRPC server): the
 * {@code opentelemetry.proto.collector.metrics.v1.MetricsService/Export} call decoded with the protocol's own
 * classes. Bounded: it keeps the last 256 exports.
 */
final class OtlpGrpcReceiver implements AutoCloseable {

    static final String EXPORT_METHOD = "opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<ReceivedExport> received = new CopyOnWriteArrayList<>();

    OtlpGrpcReceiver() throws Exception {
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.callHandler(call -> {
            Map<String, String> headers = new TreeMap<>();
            call.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            String method = call.fullMethodName();
            call.handler(message -> {
                try {
                    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(message.getBytes());
                    received.add(new ReceivedExport(method, headers, request));
                    while (received.size() > 256) {
                        received.remove(0);
                    }
                    call.response().end(Buffer.buffer(ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
                } catch (InvalidProtocolBufferException e) {
                    call.response().status(GrpcStatus.INVALID_ARGUMENT).end();
                }
            });
        });
        server = vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    List<ReceivedExport> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
