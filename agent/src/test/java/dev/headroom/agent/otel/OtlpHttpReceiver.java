package dev.headroom.agent.otel;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP metrics receiver on loopback: {@code POST /v1/metrics} with an {@code application/x-protobuf}
 * {@code ExportMetricsServiceRequest}, answered as a collector answers. Bounded: it keeps the last 256 exports.
 */
final class OtlpHttpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<ReceivedExport> received = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    OtlpHttpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(headers.get("content-encoding"))) {
                    body = new GZIPInputStream(body);
                }
                ExportMetricsServiceRequest request;
                try {
                    request = ExportMetricsServiceRequest.parseFrom(body);
                } catch (IOException | RuntimeException | LinkageError e) {
                    errors.add(e.toString());
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                add(new ReceivedExport(exchange.getRequestURI().getPath(), headers, request));
                byte[] response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
                exchange.getResponseBody().write(response);
            }
        });
        server.start();
    }

    private void add(ReceivedExport export) {
        received.add(export);
        while (received.size() > 256) {
            received.remove(0);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<ReceivedExport> received() {
        return List.copyOf(received);
    }

    /** Requests that could not be decoded, with why. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
