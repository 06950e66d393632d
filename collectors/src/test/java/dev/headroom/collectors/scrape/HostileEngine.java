package dev.headroom.collectors.scrape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * A loopback engine serving the hostile bodies of issue 14, each written in chunks as it is sent so that the
 * server itself holds only a few KiB (the forked heap check runs it inside the 48 MiB heap it measures).
 * Paths: {@code /good}, {@code /names} (3 MB, 148k distinct names), {@code /series} (the costliest body the
 * limits let through: 20,000 kept series (the most the limits allow), each with its own 56-byte label value, 1.98 MB), {@code /big} (16 MiB − 16 KiB),
 * {@code /bomb} (64 MiB of gzip), {@code /line} (one 8 MB line), {@code /longline} (one 1 MiB HELP line),
 * {@code /bom}, {@code /gzipnoheader}, {@code /html}, {@code /badgzip}, {@code /goodgzip}.
 */
final class HostileEngine implements AutoCloseable {

    static final String GOOD = "# TYPE vllm:num_requests_waiting gauge\n"
            + "vllm:num_requests_waiting{model_name=\"m\"} 3\n"
            + "# TYPE vllm:num_requests_running gauge\n"
            + "vllm:num_requests_running{model_name=\"m\"} 5\n"
            + "# TYPE vllm:kv_cache_usage_perc gauge\n"
            + "vllm:kv_cache_usage_perc{model_name=\"m\"} 0.25\n";

    /** Series in {@code /series}: each a kept sample with its own label value, the body just under 4 MiB. */
    static final int SERIES = 20_000;

    private final HttpServer server;
    private final byte[] bomb;
    private final byte[] goodGzip;

    HostileEngine() throws IOException {
        bomb = gzipOfZeros(64L * 1024 * 1024);
        goodGzip = gzip(GOOD.getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/good", ex -> send(ex, null, GOOD.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/goodgzip", ex -> send(ex, "gzip", goodGzip));
        server.createContext("/names", ex -> stream(ex, out -> {
            byte[] chunk = new byte[64 * 1024];
            int n = 0;
            for (int i = 0; i < 148_000; i++) {
                byte[] line = ("vllm:padding_" + i + " 1\n").getBytes(StandardCharsets.US_ASCII);
                if (n + line.length > chunk.length) {
                    out.write(chunk, 0, n);
                    n = 0;
                }
                System.arraycopy(line, 0, chunk, n, line.length);
                n += line.length;
            }
            out.write(chunk, 0, n);
        }));
        server.createContext("/series", ex -> stream(ex, out -> {
            byte[] chunk = new byte[64 * 1024];
            int n = 0;
            for (int i = 0; i < SERIES; i++) {
                byte[] line = String.format("vllm:num_requests_waiting{model_name=\"model-%050d\"} 1%n", i)
                        .getBytes(StandardCharsets.US_ASCII);
                if (n + line.length > chunk.length) {
                    out.write(chunk, 0, n);
                    n = 0;
                }
                System.arraycopy(line, 0, chunk, n, line.length);
                n += line.length;
            }
            out.write(chunk, 0, n);
        }));
        server.createContext("/big", ex -> stream(ex, out -> repeatLines(out, 16L * 1024 * 1024 - 16 * 1024)));
        server.createContext("/bomb", ex -> send(ex, "gzip", bomb));
        server.createContext("/line", ex -> stream(ex, out -> oneLine(out, "vllm:num_requests_waiting{model_name=\"",
                8_000_000, "\"} 1\n")));
        server.createContext("/longline", ex -> stream(ex, out -> oneLine(out, "# HELP vllm:num_requests_waiting ",
                1024 * 1024, "\n")));
        server.createContext("/bom", ex -> send(ex, null, ("\uFEFF" + GOOD).getBytes(StandardCharsets.UTF_8)));
        server.createContext("/gzipnoheader", ex -> send(ex, null, goodGzip));
        server.createContext("/html", ex -> send(ex, null,
                "<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>\n".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/badgzip", ex -> send(ex, "gzip", Arrays.copyOf(goodGzip, goodGzip.length - 6)));
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static void send(HttpExchange ex, String encoding, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        if (encoding != null) {
            ex.getResponseHeaders().add("Content-Encoding", encoding);
        }
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        } catch (IOException clientGaveUp) {
            // the scraper may stop reading at its limit
        }
    }

    private static void stream(HttpExchange ex, Body body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(200, 0); // chunked: no length announced, the limit must act while reading
        try (OutputStream out = ex.getResponseBody()) {
            body.write(out);
        } catch (IOException clientGaveUp) {
            // expected: the scraper stops reading at its limit
        }
    }

    private static void repeatLines(OutputStream out, long total) throws IOException {
        byte[] line = "vllm:num_requests_waiting{model_name=\"padding-padding-padding\"} 1\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[line.length * 1000];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(line, 0, chunk, i * line.length, line.length);
        }
        long sent = 0;
        while (sent < total) {
            int n = (int) Math.min(chunk.length, total - sent);
            out.write(chunk, 0, n);
            sent += n;
        }
    }

    private static void oneLine(OutputStream out, String prefix, int length, String suffix) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        out.write(prefix.getBytes(StandardCharsets.US_ASCII));
        for (int sent = 0; sent < length; sent += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, length - sent));
        }
        out.write(suffix.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] gzipOfZeros(long length) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] zeros = new byte[64 * 1024];
        try (GZIPOutputStream out = new GZIPOutputStream(bytes, 64 * 1024)) {
            for (long sent = 0; sent < length; sent += zeros.length) {
                out.write(zeros);
            }
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }
}
