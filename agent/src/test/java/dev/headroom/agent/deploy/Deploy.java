package dev.headroom.agent.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the deploy tests share: where {@code deploy/} is, real Helm (helm-java's native library) to render the chart,
 * fabric8's serialization to read what it renders, and the CRD generated from the model classes.
 *
 * <p>The committed artifacts derived from the chart and the model (the chart's CRD, {@code deploy/kubernetes/}) are
 * compared with freshly generated ones; with {@code -Dheadroom.deploy.write=true} (what {@code deploy/render.sh}
 * passes) the tests write them instead of failing.
 */
final class Deploy {

    static final String RELEASE = "headroom";
    static final String NAMESPACE = "headroom";
    /** The cluster version rendered for (Helm's offline default, 1.20, is below the chart's kubeVersion). */
    static final String KUBE_VERSION = "v1.31.0";
    /** The CRD's file name, as fabric8's generator names it (also in the chart's {@code files/crds/}). */
    static final String CRD_FILE = "headroompolicies.headroom.dev-v1.yml";
    /** fabric8's serialization, knowing the Prometheus Operator kinds (on the classpath) and HeadroomPolicy. */
    static final KubernetesSerialization SERIALIZATION = serialization();

    private static final Path ROOT = findRoot();

    private Deploy() {
    }

    static Path root() {
        return ROOT;
    }

    static Path chart() {
        return ROOT.resolve("deploy/helm/headroom");
    }

    /**
     * The CRD generated from the model, in the chart: under {@code files/crds/}, which {@code templates/crds.yaml}
     * renders into the release (not {@code crds/}, which Helm installs once and never upgrades).
     */
    static Path chartCrd() {
        return chart().resolve("files/crds").resolve(CRD_FILE);
    }

    static Path examples() {
        return ROOT.resolve("deploy/examples");
    }

    static Path plainManifests() {
        return ROOT.resolve("deploy/kubernetes");
    }

    static boolean writing() {
        return Boolean.getBoolean("headroom.deploy.write");
    }

    /**
     * Renders the chart as {@code helm template headroom deploy/helm/headroom -n headroom --kube-version v1.31.0},
     * then {@code options}.
     */
    static String render(UnaryOperator<TemplateCommand> options) {
        TemplateCommand command = new Helm(chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        return options.apply(command).call();
    }

    /** Every object of a multi-document YAML stream, typed where fabric8 knows the kind. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : documents(yaml)) {
            Object parsed = SERIALIZATION.unmarshal(doc);
            if (parsed instanceof HasMetadata object) {
                objects.add(object);
            } else {
                throw new AssertionError("not a Kubernetes object: " + parsed + "\n" + doc);
            }
        }
        return objects;
    }

    static List<HasMetadata> parse(Path file) {
        return parse(read(file));
    }

    /** The documents of a YAML stream that hold anything but comments. */
    static List<String> documents(String yaml) {
        List<String> docs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            if (line.equals("---") || line.startsWith("--- ")) {
                addIfContent(docs, current);
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        addIfContent(docs, current);
        return docs;
    }

    private static void addIfContent(List<String> docs, StringBuilder doc) {
        for (String line : doc.toString().split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                docs.add(doc.toString());
                return;
            }
        }
    }

    /** The objects of one kind (class) among {@code objects}. */
    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = ofType(objects, type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The CRD as fabric8's generator makes it from {@link HeadroomPolicy} now, as YAML. */
    static String generatedCrdYaml() {
        try {
            Path dir = Files.createTempDirectory("headroom-crd");
            try {
                new CRDGenerator().inOutputDir(dir.toFile()).forCRDVersions("v1")
                        .customResourceClasses(HeadroomPolicy.class).generate();
                return Files.readString(dir.resolve(CRD_FILE));
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CustomResourceDefinition crd(String yaml) {
        return SERIALIZATION.unmarshal(yaml, CustomResourceDefinition.class);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KubernetesSerialization serialization() {
        KubernetesSerialization s = new KubernetesSerialization();
        s.registerKubernetesResource(HeadroomPolicy.class);
        return s;
    }

    /** The repository root: the first folder upwards from the working directory that holds the chart. */
    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("deploy/helm/headroom/Chart.yaml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no deploy/helm/headroom/Chart.yaml above " + dir);
    }
}
