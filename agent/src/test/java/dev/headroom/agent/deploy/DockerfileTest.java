package dev.headroom.agent.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code agent/src/main/docker/Dockerfile.jvm} and {@code Dockerfile.sidecar}, read as the Docker engine would read
 * their instructions (no engine is needed): each image runs the launcher's sidecar JVM flags, those flags start a
 * JVM, and the port and user agree with the application and the manifests.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Deploy.root().resolve("agent/src/main/docker/Dockerfile.jvm");
    private static final Path SIDECAR_DOCKERFILE = Deploy.root().resolve("agent/src/main/docker/Dockerfile.sidecar");
    private static final Path LAUNCHER = Deploy.root().resolve("headroom");

    /** The Dockerfile's instructions, continuation lines joined, comments dropped: keyword and arguments. */
    static List<String[]> instructions(Path dockerfile) {
        List<String[]> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Deploy.read(dockerfile).split("\n")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String full = pending.toString().strip();
            pending.setLength(0);
            int space = full.indexOf(' ');
            out.add(new String[]{full.substring(0, space).toUpperCase(), full.substring(space + 1).strip()});
        }
        return out;
    }

    static List<String> args(String keyword) {
        return args(DOCKERFILE, keyword);
    }

    static List<String> args(Path dockerfile, String keyword) {
        return instructions(dockerfile).stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    /** {@code ENV KEY="value"} and {@code ENV KEY=value}, one variable per instruction. */
    static Map<String, String> env() {
        return variables(DOCKERFILE, "ENV");
    }

    /** {@code ENV} or {@code ARG} variables, one per instruction, quotes dropped. */
    static Map<String, String> variables(Path dockerfile, String keyword) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String arg : args(dockerfile, keyword)) {
            int eq = arg.indexOf('=');
            String value = arg.substring(eq + 1);
            if (value.startsWith("\"") || value.startsWith("'")) {
                assertThat(value).endsWith(value.substring(0, 1));
                value = value.substring(1, value.length() - 1);
            }
            env.put(arg.substring(0, eq), value);
        }
        return env;
    }

    /**
     * The JVM flags the launcher gives {@code role} ({@code sidecar} or {@code controller}): its case evaluated by bash
     * as the launcher runs it, so the test reads what the launcher does, not a copy.
     */
    static List<String> launcherFlags(String role) {
        String script = Deploy.read(LAUNCHER);
        int branch = script.indexOf("\n  sidecar|controller)");
        assertThat(branch).as("the launcher's sidecar|controller case").isPositive();
        int end = script.indexOf(";;", branch);
        String body = script.substring(script.indexOf('\n', branch + 1) + 1, end);
        try {
            Process bash = new ProcessBuilder("bash", "-c",
                    "set -eu; sub=\"$1\"; " + body + "\nprintf '%s\\n' \"${jvm[@]}\"", "launcher", role)
                    .redirectErrorStream(true).start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor()).as("bash on the launcher's case: %s", out).isZero();
            return out.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void baseImageIsQuarkusUbiJavaRuntimeAndTheLayoutIsTheFastJar() throws IOException {
        assertThat(args("FROM")).singleElement().asString()
                .startsWith("registry.access.redhat.com/ubi9/openjdk-17-runtime:");
        assertThat(args("COPY")).containsExactly(
                "--chown=185 target/quarkus-app/lib/ /deployments/lib/",
                "--chown=185 target/quarkus-app/*.jar /deployments/",
                "--chown=185 target/quarkus-app/app/ /deployments/app/",
                "--chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/");
        assertThat(env()).containsEntry("JAVA_APP_JAR", "/deployments/quarkus-run.jar");
        assertThat(applicationProperties().getProperty("quarkus.package.jar.type", "fast-jar")).isEqualTo("fast-jar");
        assertThat(args("ENTRYPOINT")).containsExactly("[ \"/opt/jboss/container/java/run/run-java.sh\" ]");
    }

    @Test
    void imageCarriesTheLaunchersControllerFlags() {
        List<String> image = List.of(env().get("JAVA_OPTS_APPEND").split("\\s+"));
        assertThat(image).containsSubsequence(launcherFlags("controller"));
        assertThat(image).as("the controller keeps the full JIT").noneMatch(f -> f.startsWith("-XX:TieredStopAtLevel"));
        assertThat(image).contains("-Dquarkus.http.host=0.0.0.0", "-Djava.io.tmpdir=/tmp");
        // JNA unpacks its native part under jna.tmpdir: it must be on the one writable mount, /tmp.
        assertThat(image).anyMatch(f -> f.startsWith("-Djna.tmpdir=/tmp"));
        String launcherArenas = Deploy.read(LAUNCHER).lines().filter(l -> l.contains("MALLOC_ARENA_MAX=")).findFirst()
                .orElseThrow();
        assertThat(launcherArenas).contains("${MALLOC_ARENA_MAX:-" + env().get("MALLOC_ARENA_MAX") + "}");
    }

    @Test
    void theImagesFlagsStartAJvmWhereRunJavasDefaultCollectorWouldNot() throws Exception {
        List<String> flags = new ArrayList<>(List.of(env().get("GC_CONTAINER_OPTIONS").split("\\s+")));
        flags.addAll(List.of(env().get("JAVA_OPTS_APPEND").split("\\s+")));
        assertThat(java(flags)).as("java %s -version", flags).isZero();
        // run-java.sh's own default (-XX:+UseParallelGC) next to the serial collector stops the JVM: hence
        // GC_CONTAINER_OPTIONS.
        List<String> withDefault = new ArrayList<>(List.of("-XX:+UseParallelGC"));
        withDefault.addAll(List.of(env().get("JAVA_OPTS_APPEND").split("\\s+")));
        assertThat(java(withDefault)).isNotZero();
    }

    @Test
    void portAndUserAgreeWithTheApplicationAndTheManifests() throws IOException {
        assertThat(args("EXPOSE")).containsExactly(applicationProperties().getProperty("quarkus.http.port"));
        String user = args("USER").get(0);
        assertThat(Deploy.read(Deploy.chart().resolve("values.yaml"))).contains("runAsUser: " + user);
        assertThat(Deploy.read(Deploy.examples().resolve("vllm-with-headroom.yaml"))).contains("runAsUser: " + user);
    }

    @Test
    void theSidecarImageRunsTheSameAppOnAJlinkedRuntimeOnASmallBase() {
        List<String> from = args(SIDECAR_DOCKERFILE, "FROM");
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).as("a JDK, for jlink").startsWith("registry.access.redhat.com/ubi9/openjdk-17:")
                .endsWith(" AS runtime");
        assertThat(from.get(1)).startsWith("registry.access.redhat.com/ubi9/ubi-micro:");
        assertThat(args(SIDECAR_DOCKERFILE, "RUN")).singleElement().asString()
                .contains("jlink\" --add-modules ${JRE_MODULES} ${JLINK_OPTIONS} --output /opt/headroom/jre");
        List<String> modules = List.of(variables(SIDECAR_DOCKERFILE, "ARG").get("JRE_MODULES").split(","));
        assertThat(modules).contains("java.base", "jdk.unsupported", "jdk.zipfs")
                .doesNotContain("java.desktop", "jdk.compiler", "jdk.httpserver");
        List<String> copies = args(SIDECAR_DOCKERFILE, "COPY");
        assertThat(copies.get(0)).isEqualTo("--from=runtime /opt/headroom/jre /opt/headroom/jre");
        assertThat(copies.subList(1, copies.size())).as("the application's layers as in the JVM image")
                .isEqualTo(args("COPY"));
        assertThat(args(SIDECAR_DOCKERFILE, "ENTRYPOINT"))
                .containsExactly("[ \"/opt/headroom/jre/bin/java\", \"-jar\", \"/deployments/quarkus-run.jar\" ]");
        assertThat(args(SIDECAR_DOCKERFILE, "CMD")).containsExactly("[ \"sidecar\" ]");
    }

    @Test
    void theSidecarImageCarriesTheSameFlagsAndTheyStartAJvm() throws Exception {
        Map<String, String> sidecar = variables(SIDECAR_DOCKERFILE, "ENV");
        // The java launcher reads JDK_JAVA_OPTIONS itself: no run-java.sh, so no collector of its own to conflict.
        List<String> flags = List.of(sidecar.get("JDK_JAVA_OPTIONS").split("\\s+"));
        List<String> sidecarFlags = launcherFlags("sidecar");
        assertThat(flags.subList(0, sidecarFlags.size())).as("the launcher's sidecar flags first")
                .isEqualTo(sidecarFlags).contains("-XX:TieredStopAtLevel=1");
        List<String> jvmImage = List.of(env().get("JAVA_OPTS_APPEND").split("\\s+"));
        List<String> controllerFlags = launcherFlags("controller");
        assertThat(jvmImage.subList(0, controllerFlags.size())).isEqualTo(controllerFlags);
        assertThat(flags.subList(sidecarFlags.size(), flags.size()))
                .as("then the JVM image's own flags, word for word")
                .isEqualTo(jvmImage.subList(controllerFlags.size(), jvmImage.size()));
        assertThat(sidecar.get("MALLOC_ARENA_MAX")).isEqualTo(env().get("MALLOC_ARENA_MAX"));
        assertThat(java(flags)).as("java %s -version", flags).isZero();
        assertThat(args(SIDECAR_DOCKERFILE, "EXPOSE")).isEqualTo(args("EXPOSE"));
        assertThat(args(SIDECAR_DOCKERFILE, "USER")).as("root only in the build stage, for jlink")
                .containsExactly("root", args("USER").get(0));
    }

    /** The application's own configuration (the test classpath may carry a test one over it). */
    private static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = java.nio.file.Files.newInputStream(
                Deploy.root().resolve("agent/src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    /** Exit status of {@code java FLAGS -version} on this JDK (bounded to 30 s). */
    private static int java(List<String> flags) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java -version did not finish in 30 s");
        }
        return p.exitValue();
    }
}
