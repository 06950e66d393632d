package dev.headroom.collectors.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.collectors.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DCGM exporter probe against a real loopback HTTP server serving a real exporter payload. */
class DcgmExporterProbeTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String FIXTURE = "dcgm-exporter-datadog-2931c10.prom";
    private static final String T4_A = "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e";
    private static final String T4_B = "GPU-9ef1b6d0-3643-5dd7-b823-c0ec20dcf2d5";
    private static final double MIB = 1024.0 * 1024;

    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile byte[] custom = new byte[0];

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> {
            hits.incrementAndGet();
            send(ex, 200, Fixtures.engine(FIXTURE));
        });
        server.createContext("/custom", ex -> send(ex, 200, custom));
        server.createContext("/vllm", ex -> send(ex, 200, Fixtures.engine(Fixtures.VLLM_V1)));
        server.createContext("/missing", ex -> send(ex, 404, "not found".getBytes(StandardCharsets.UTF_8)));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private DcgmExporterProbe probe(String path, Map<String, String> env) {
        return DcgmExporterProbe.open(url(path), env, CLOCK);
    }

    @Test
    void readsTheRealExporterPayloadWithExactValuesAndUnits() {
        try (DcgmExporterProbe probe = probe("/metrics", Map.of())) {
            GpuReading r = probe.poll();

            assertThat(r.source()).isEqualTo("dcgm");
            assertThat(r.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(r.at()).isEqualTo(NOW);
            // The payload carries two T4s (two UUIDs, both gpu="0") and unlabelled dummy PROF_ samples.
            assertThat(r.message()).isEqualTo("DCGM exporter " + url("/metrics") + ": 2 GPUs; 1 samples without a"
                    + " gpu or UUID label skipped");
            assertThat(r.devices()).extracting(GpuDevice::uuid).containsExactly(T4_A, T4_B);

            GpuDevice a = r.device(T4_A).orElseThrow();
            assertThat(a.index()).isZero();
            assertThat(a.name()).isEqualTo("Tesla T4");
            assertThat(a.status()).isEqualTo(DeviceStatus.OK);
            assertThat(a.problem()).isEmpty();
            assertThat(a.temperatureCelsius()).hasValue(25.0);
            assertThat(a.powerWatts()).hasValue(8.969);
            assertThat(a.gpuUtilization()).hasValue(0.0);
            assertThat(a.memoryUtilization()).hasValue(0.0);
            assertThat(a.memoryFreeBytes()).hasValue(15109 * MIB).hasValue(15_842_934_784.0);
            assertThat(a.memoryUsedBytes()).hasValue(0.0);
            assertThat(a.memoryTotalBytes()).as("not in this part of the payload").isEmpty();
            assertThat(a.engineActive()).isEmpty();

            GpuDevice b = r.device(T4_B).orElseThrow();
            assertThat(b.memoryTotalBytes()).hasValue(15_842_934_784.0);
            assertThat(b.memoryUsedBytes()).isEmpty();
            assertThat(b.powerWatts()).as("POWER_MGMT_LIMIT is a limit, not a reading").isEmpty();
            assertThat(b.temperatureCelsius()).as("SLOWDOWN_TEMP is a threshold, not a reading").isEmpty();
        }
    }

    @Test
    void theEnginesListIsWaitedForWithoutScrapingThenFiltersTheNodesDevices(@TempDir Path dir) throws IOException {
        Path list = dir.resolve("gpus");
        try (DcgmExporterProbe probe = DcgmExporterProbe.open(url("/metrics"), Map.of(), new EngineDeviceFile(list),
                CLOCK)) {
            GpuReading waiting = probe.poll();
            assertThat(waiting.state()).isEqualTo(ProbeState.DEVICES_UNKNOWN);
            assertThat(waiting.devices()).isEmpty();
            assertThat(hits).as("no scrape while the engine's GPUs are unknown").hasValue(0);

            Files.writeString(list, T4_B + "\n");
            GpuReading r = probe.poll();
            assertThat(r.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(r.devices()).extracting(GpuDevice::uuid).containsExactly(T4_B);
            assertThat(r.message()).contains("1 of 2 GPUs visible (" + list + "=" + T4_B + ")");
        }
    }

    @Test
    void visibilityFiltersExporterDevicesByUuid() {
        try (DcgmExporterProbe probe = probe("/metrics", Map.of("NVIDIA_VISIBLE_DEVICES", "GPU-9ef1"))) {
            GpuReading r = probe.poll();

            assertThat(r.devices()).extracting(GpuDevice::uuid).containsExactly(T4_B);
            assertThat(r.message()).startsWith("DCGM exporter " + url("/metrics") + ": 1 of 2 GPUs visible"
                    + " (NVIDIA_VISIBLE_DEVICES=GPU-9ef1)");
        }
    }

    /** Each value of DCGM_FI_DEV_GPU_TEMP and whether it survives as a temperature. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "71,                    71.0",
        "2147483632,            absent",  // DCGM_INT32_BLANK
        "2147483647,            absent",  // INT32_MAX, also blank
        "2147483631,            2147483631.0",
        "9223372036854775792,   absent",  // DCGM_INT64_BLANK
        "1.40737488355328e14,   absent",  // DCGM_FP64_BLANK
        "NaN,                   absent",
    })
    void blankSentinelsAreDropped(String value, String expected) {
        custom = ("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
                + "DCGM_FI_DEV_GPU_TEMP{gpu=\"3\",UUID=\"GPU-x\",modelName=\"NVIDIA H100 80GB HBM3\"} " + value + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (DcgmExporterProbe probe = probe("/custom", Map.of())) {
            GpuDevice d = probe.poll().devices().get(0);

            assertThat(d.index()).isEqualTo(3);
            assertThat(d.name()).isEqualTo("NVIDIA H100 80GB HBM3");
            if (expected.equals("absent")) {
                assertThat(d.temperatureCelsius()).isEmpty();
                assertThat(d.problem()).isEmpty();
            } else {
                assertThat(d.temperatureCelsius()).hasValue(Double.parseDouble(expected));
            }
        }
    }

    @Test
    void mapsEveryFamilyItReadsWithItsUnit() {
        custom = ("""
                DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 70000
                DCGM_FI_DEV_FB_FREE{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 11079
                DCGM_FI_DEV_FB_TOTAL{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 81559
                DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 97
                DCGM_FI_DEV_MEM_COPY_UTIL{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 41
                DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 512.25
                DCGM_FI_DEV_GPU_TEMP{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 66
                DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="1",UUID="GPU-h1",modelName="NVIDIA H100 80GB HBM3",pod="vllm-0"} 0.875
                DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="GPU-h2",modelName="NVIDIA H100 80GB HBM3"} 140
                DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="2",UUID="GPU-h2",modelName="NVIDIA H100 80GB HBM3"} 1.5
                DCGM_FI_DEV_POWER_USAGE{gpu="2",UUID="GPU-h2",modelName="NVIDIA H100 80GB HBM3"} -3
                DCGM_FI_DEV_GPU_TEMP{gpu="mig",modelName="NVIDIA H100 80GB HBM3"} 40
                """).getBytes(StandardCharsets.UTF_8);
        try (DcgmExporterProbe probe = probe("/custom", Map.of())) {
            GpuReading r = probe.poll();

            assertThat(r.devices()).hasSize(3);
            GpuDevice h1 = r.device("GPU-h1").orElseThrow();
            assertThat(h1.index()).isEqualTo(1);
            assertThat(h1.memoryUsedBytes()).hasValue(70000 * MIB);
            assertThat(h1.memoryFreeBytes()).hasValue(11079 * MIB);
            assertThat(h1.memoryTotalBytes()).hasValue(81559 * MIB);
            assertThat(h1.gpuUtilization()).hasValue(0.97);
            assertThat(h1.memoryUtilization()).hasValue(0.41);
            assertThat(h1.powerWatts()).hasValue(512.25);
            assertThat(h1.temperatureCelsius()).hasValue(66.0);
            assertThat(h1.engineActive()).hasValue(0.875);
            assertThat(h1.problem()).isEmpty();

            GpuDevice h2 = r.device("GPU-h2").orElseThrow();
            assertThat(h2.gpuUtilization()).isEmpty();
            assertThat(h2.engineActive()).isEmpty();
            assertThat(h2.powerWatts()).isEmpty();
            // In the order of the families in the payload.
            assertThat(h2.problem()).isEqualTo("DCGM_FI_DEV_GPU_UTIL 140.0 % out of range; "
                    + "DCGM_FI_DEV_POWER_USAGE -3.0 out of range; DCGM_FI_PROF_GR_ENGINE_ACTIVE 1.5 is not a ratio");

            GpuDevice noUuid = r.devices().get(2);
            assertThat(noUuid.uuid()).isEmpty();
            assertThat(noUuid.index()).as("a gpu label that is not a number").isEqualTo(-1);
            assertThat(noUuid.temperatureCelsius()).hasValue(40.0);
        }
    }

    @Test
    void anExporterThatIsNotThereIsFailedNamingTheEndpointAndTheNextPollRetries() {
        try (DcgmExporterProbe probe = probe("/missing", Map.of())) {
            GpuReading r = probe.poll();

            assertThat(r.state()).isEqualTo(ProbeState.FAILED);
            assertThat(r.up()).isZero();
            assertThat(r.devices()).isEmpty();
            assertThat(r.message()).startsWith("DCGM exporter HTTP 404: no metrics at " + url("/missing"));
            assertThat(probe.state()).isEqualTo(ProbeState.FAILED);
            assertThat(probe.message()).isEqualTo(r.message());
        }
        try (DcgmExporterProbe probe = probe("/metrics", Map.of())) {
            probe.poll();
            probe.poll();
            assertThat(hits).hasValue(2);
        }
    }

    @Test
    void aPayloadWithoutDcgmFamiliesIsFailed() {
        try (DcgmExporterProbe probe = probe("/vllm", Map.of())) {
            GpuReading r = probe.poll();

            assertThat(r.state()).isEqualTo(ProbeState.FAILED);
            assertThat(r.message()).startsWith("DCGM exporter " + url("/vllm") + ": none of 8 DCGM_FI_ families read (")
                    .endsWith(" others): is this a DCGM exporter?");
        }
    }

    @Test
    void aMalformedPayloadIsFailedWithLineAndColumn() {
        custom = "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\" 25\n".getBytes(StandardCharsets.UTF_8);
        try (DcgmExporterProbe probe = probe("/custom", Map.of())) {
            GpuReading r = probe.poll();

            assertThat(r.state()).isEqualTo(ProbeState.FAILED);
            assertThat(r.message()).startsWith("DCGM exporter " + url("/custom") + ": malformed metrics: ")
                    .contains("line 1");
        }
    }

    @Test
    void aClosedProbeFetchesNothing() {
        DcgmExporterProbe probe = probe("/metrics", Map.of());
        probe.close();

        GpuReading r = probe.poll();

        assertThat(r.state()).isEqualTo(ProbeState.CLOSED);
        assertThat(probe.state()).isEqualTo(ProbeState.CLOSED);
        assertThat(hits).hasValue(0);
    }
}
