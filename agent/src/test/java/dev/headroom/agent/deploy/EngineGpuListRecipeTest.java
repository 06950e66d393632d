package dev.headroom.agent.deploy;

import dev.headroom.collectors.gpu.DeviceScope;
import dev.headroom.collectors.gpu.DeviceVisibility;
import dev.headroom.collectors.gpu.EngineDeviceFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's engine command, run with bash as the container would run it (with a stand-in {@code python3}): it
 * writes the engine's {@code NVIDIA_VISIBLE_DEVICES} where the sidecar's {@code HEADROOM_GPU_DEVICES_FILE} points,
 * through a volume both mount, and then starts the engine with the example's arguments unchanged.
 */
class EngineGpuListRecipeTest {

    private static final String UUID_A = "GPU-8f3c0000-0000-4000-8000-00000000000a";
    private static final String UUID_B = "GPU-8f3c0000-0000-4000-8000-00000000000b";

    @TempDir
    Path dir;

    @Test
    void theEngineWritesItsOwnGpusWhereTheSidecarReadsThemThenStartsAsBefore() throws Exception {
        PodSpec pod = Deploy.one(Deploy.parse(Deploy.examples().resolve("vllm-with-headroom.yaml")), Deployment.class)
                .getSpec().getTemplate().getSpec();
        Container engine = container(pod, "vllm");
        Container sidecar = container(pod, "headroom");
        String listFile = sidecar.getEnv().stream().filter(e -> e.getName().equals("HEADROOM_GPU_DEVICES_FILE"))
                .map(EnvVar::getValue).findFirst().orElseThrow();
        VolumeMount sidecarMount = mountHolding(sidecar, listFile);
        VolumeMount engineMount = mountHolding(engine, listFile);
        assertThat(sidecarMount.getName()).as("one volume, shared").isEqualTo(engineMount.getName());
        assertThat(sidecarMount.getReadOnly()).isTrue();
        assertThat(engineMount.getMountPath()).isEqualTo(sidecarMount.getMountPath());

        // The container's folder, here a temporary one; python3 a script that records what it was started with.
        Path folder = Files.createDirectories(dir.resolve("shared"));
        Path started = dir.resolve("started");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path python = bin.resolve("python3");
        Files.writeString(python, "#!/bin/bash\nprintf '%s\\n' \"$@\" > '" + started + "'\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(engine.getCommand());
        command.replaceAll(part -> part.replace(engineMount.getMountPath() + "/", folder + "/"));
        command.addAll(engine.getArgs());

        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("NVIDIA_VISIBLE_DEVICES", UUID_A + "," + UUID_B);
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

        List<String> engineArgs = new ArrayList<>(List.of("-m", "vllm.entrypoints.openai.api_server"));
        engineArgs.addAll(engine.getArgs());
        assertThat(Files.readAllLines(started)).as("the engine gets the example's args").isEqualTo(engineArgs);

        String relative = listFile.substring(sidecarMount.getMountPath().length() + 1);
        DeviceScope scope = new EngineDeviceFile(folder.resolve(relative)).get();
        DeviceVisibility engineGpus = scope.visibility().orElseThrow(() -> new AssertionError(scope.reason()));
        assertThat(engineGpus.allows(0, UUID_A)).isTrue();
        assertThat(engineGpus.allows(1, UUID_B)).isTrue();
        assertThat(engineGpus.allows(2, "GPU-8f3c0000-0000-4000-8000-00000000000c")).as("another pod's GPU")
                .isFalse();
    }

    private static VolumeMount mountHolding(Container c, String file) {
        return c.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " does not mount " + file));
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }
}
