package dev.headroom.agent.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The chart's {@code headroom.sidecar} and {@code headroom.sidecarVolumes} named templates, included the way
 * {@code src/docs/deploy.md} tells users to: from an engine chart of their own that has the headroom chart as a
 * dependency (in its {@code charts/}), rendered by real Helm.
 */
class SidecarTemplateTest {

    private static final String ENGINE_DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: engine
            spec:
              selector:
                matchLabels: {app: engine}
              template:
                metadata:
                  labels:
                    app: engine
                    headroom.dev/sidecar: "true"
                spec:
                  containers:
                    - name: vllm
                      image: vllm/vllm-openai:v0.6.3
                      ports:
                        - containerPort: 8000
                      volumeMounts:
                        {{- include "headroom.engineMounts" (dict "gpuDevicesFile" .Values.gpuDevicesFile) | nindent 12 }}
                    {{- include "headroom.sidecar" (dict "enginePort" .Values.enginePort "dialect" .Values.dialect "gpuDevices" .Values.gpuDevices "gpuDevicesFile" .Values.gpuDevicesFile "engineUrl" .Values.engineUrl "logFormat" .Values.logFormat) | nindent 8 }}
                  volumes:
                    - name: dshm
                      emptyDir: {medium: Memory}
                    {{- include "headroom.sidecarVolumes" (dict) | nindent 8 }}
            """;

    @TempDir
    static Path engineChart;

    @BeforeAll
    static void writeEngineChart() throws IOException {
        Files.writeString(engineChart.resolve("Chart.yaml"), """
                apiVersion: v2
                name: engine
                version: 0.1.0
                """);
        Files.createDirectories(engineChart.resolve("templates"));
        Files.writeString(engineChart.resolve("templates/deployment.yaml"), ENGINE_DEPLOYMENT);
        copy(Deploy.chart(), engineChart.resolve("charts/headroom"));
    }

    @Test
    void theDefaultsWatchTheEngineOverLoopbackAndReadTheEnginesOwnGpus() {
        PodSpec pod = render(t -> t).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("vllm", "headroom");
        Container sidecar = pod.getContainers().get(1);
        assertThat(sidecar.getImage()).as("the slim sidecar image").isEqualTo("ghcr.io/headroom-dev/headroom-sidecar:" + appVersion());
        assertThat(sidecar.getArgs()).containsExactly("sidecar");
        // NVML sees every GPU of the node (so the runtime mounts the library) and reports the engine's only.
        assertThat(env(sidecar)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "HEADROOM_SIDECAR_ENGINE_URL", "http://127.0.0.1:8000/metrics",
                "HEADROOM_GPU_PROBE", "nvml",
                "NVIDIA_VISIBLE_DEVICES", "all",
                "NVIDIA_DRIVER_CAPABILITIES", "utility",
                "HEADROOM_GPU_DEVICES_FILE", "/headroom/gpus"));
        assertThat(sidecar.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("headroom");
            assertThat(p.getContainerPort()).isEqualTo(8480);
        });
        assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(sidecar.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(sidecar.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(sidecar.getResources().getLimits()).containsEntry("memory", new Quantity("192Mi"));
        assertThat(sidecar.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(sidecar.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(sidecar.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sidecar.getVolumeMounts()).extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
                .containsExactly(tuple("/tmp", null), tuple("/headroom", true));
        String tmp = sidecar.getVolumeMounts().get(0).getName();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(tmp);
            assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("32Mi"));
        });
        assertTheEngineWritesWhereTheSidecarReads(pod, "/headroom");
    }

    /** The engine's writable mount and the sidecar's read-only one are the same emptyDir of the pod. */
    private static void assertTheEngineWritesWhereTheSidecarReads(PodSpec pod, String folder) {
        VolumeMount engine = pod.getContainers().get(0).getVolumeMounts().get(0);
        VolumeMount sidecar = pod.getContainers().get(1).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(folder)).findFirst().orElseThrow();
        assertThat(engine.getMountPath()).isEqualTo(folder);
        assertThat(engine.getReadOnly()).as("the engine writes its list").isNotEqualTo(Boolean.TRUE);
        assertThat(sidecar.getName()).isEqualTo(engine.getName());
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(engine.getName())).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void theEnginesGpuListCanLiveElsewhere() {
        PodSpec pod = render(t -> t.set("gpuDevicesFile", "/var/run/engine/gpus")).getSpec().getTemplate()
                .getSpec();
        assertThat(env(pod.getContainers().get(1))).containsEntry("HEADROOM_GPU_DEVICES_FILE", "/var/run/engine/gpus");
        assertTheEngineWritesWhereTheSidecarReads(pod, "/var/run/engine");
    }

    @Test
    void noneReadsNoGpuAndMountsNothingForIt() {
        Container sidecar = render(t -> t.set("gpuDevices", "none")).getSpec().getTemplate().getSpec()
                .getContainers().get(1);
        assertThat(env(sidecar)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "HEADROOM_SIDECAR_ENGINE_URL", "http://127.0.0.1:8000/metrics",
                "HEADROOM_GPU_PROBE", "none"));
        assertThat(sidecar.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/tmp");
    }

    @Test
    void theEnginePortDialectAndGpusArePassedThrough() {
        Container sidecar = render(t -> t.set("enginePort", 30000).set("dialect", "sglang")
                .set("gpuDevices", "GPU-1234")).getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(env(sidecar)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "HEADROOM_SIDECAR_ENGINE_URL", "http://127.0.0.1:30000/metrics",
                "HEADROOM_SIDECAR_DIALECT", "sglang",
                "HEADROOM_GPU_PROBE", "nvml",
                "NVIDIA_VISIBLE_DEVICES", "GPU-1234",
                "NVIDIA_DRIVER_CAPABILITIES", "utility"));
        // A fixed list needs no file from the engine.
        assertThat(sidecar.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/tmp");
    }

    @Test
    void aWholeEngineUrlWinsOverThePort() {
        Container sidecar = render(t -> t.set("enginePort", 30000).set("engineUrl", "http://127.0.0.1:9400/stats"))
                .getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(env(sidecar)).containsEntry("HEADROOM_SIDECAR_ENGINE_URL", "http://127.0.0.1:9400/stats");
    }

    @Test
    void jsonLogsAreOneSwitchAndAnythingButTextOrJsonIsRefused() {
        Container sidecar = render(t -> t.set("logFormat", "json")).getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(env(sidecar)).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        assertThat(env(render(t -> t.set("logFormat", "text")).getSpec().getTemplate().getSpec().getContainers().get(1)))
                .doesNotContainKey("QUARKUS_LOG_CONSOLE_JSON_ENABLED");
        assertThatThrownBy(() -> render(t -> t.set("logFormat", "logfmt"))).hasMessageContaining("logFormat must be text or json");
    }

    private static Deployment render(UnaryOperator<TemplateCommand> options) {
        String yaml = options.apply(new Helm(engineChart).template().withName("engine").withNamespace("llm-serving")
                .withKubeVersion(Deploy.KUBE_VERSION)).call();
        List<Deployment> engines = Deploy.ofType(Deploy.parse(yaml), Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("engine")).toList();
        assertThat(engines).hasSize(1);
        return engines.get(0);
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static String appVersion() {
        try {
            for (String line : Files.readAllLines(Deploy.chart().resolve("Chart.yaml"))) {
                if (line.startsWith("appVersion:")) {
                    return line.substring("appVersion:".length()).strip().replace("\"", "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no appVersion in Chart.yaml");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
