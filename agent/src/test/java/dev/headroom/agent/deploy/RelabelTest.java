package dev.headroom.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.headroom.agent.deploy.Relabeling.Rule;
import dev.headroom.agent.deploy.Relabeling.Target;
import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Prometheus stores when it scrapes the example's pod ({@code deploy/examples/vllm-with-headroom.yaml}, in
 * {@code llm-serving}) and the chart's controller (in {@code headroom}) deciding the example's policy
 * ({@code deploy/examples/headroompolicy-direct.yaml}): the rendered PodMonitor and ServiceMonitor (chart defaults,
 * and {@code ci/kube-prometheus-stack-values.yaml}) or {@code dashboards/prometheus/scrape-headroom.yml}, relabelled
 * as Prometheus does it ({@link Relabeling}), give each exported family ({@link MetricFamily}) its target labels.
 * Over those series every dashboard variable must find a value, every panel query (with each variable set to each
 * of its values) and every alert expression must select a series, and every label they filter or group on must be
 * on it: no empty panel because a label is missing or named {@code exported_namespace}.
 */
class RelabelTest {

    private static final String WORKLOAD_NAMESPACE = "llm-serving";
    private static final Path KPS_VALUES = Deploy.chart().resolve("ci/kube-prometheus-stack-values.yaml");
    private static final Pattern METRIC = Pattern.compile("\\b(headroom_[a-z0-9_]+)\\b");
    private static final Pattern SELECTOR = Pattern.compile("\\b(headroom_[a-z0-9_]+)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on)\\s*\\(([^)]*)\\)");
    /** A filter by another metric's series: {@code unless on (labels) metric{...}} or {@code and on (...)}. */
    private static final Pattern FILTER = Pattern.compile("\\b(?:unless|and)\\s+on\\s*\\(([^)]*)\\)\\s*(headroom_[a-z0-9_]+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)$");

    @Test
    void chartDefaultsFeedEveryDashboardAndAlert() {
        List<HasMetadata> chart = Deploy.parse(Deploy.render(t -> t.set("monitoring.serviceMonitor.enabled", true)
                .set("monitoring.podMonitor.enabled", true)));
        checkDashboardsAndAlerts(operatorSeries(chart));
    }

    @Test
    void kubePrometheusStackValuesFeedEveryDashboardAndAlert() {
        List<HasMetadata> chart = Deploy.parse(Deploy.render(t -> t.withValuesFile(KPS_VALUES)));
        checkDashboardsAndAlerts(operatorSeries(chart));
    }

    @Test
    void plainScrapeConfigFeedsEveryDashboardAndAlert() throws IOException {
        List<HasMetadata> chart = Deploy.parse(Deploy.render(t -> t));
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(
                Deploy.root().resolve("dashboards/prometheus/scrape-headroom.yml").toFile());
        List<Map<String, String>> candidates = new ArrayList<>();
        candidates.addAll(Relabeling.podTargets(examplePod(), exampleTemplate().getSpec(), "10.0.1.7"));
        candidates.addAll(Relabeling.podTargets(controllerPod(chart), controllerTemplate(chart).getSpec(), "10.0.2.9"));
        Map<String, List<Target>> byJob = new TreeMap<>();
        for (JsonNode job : config.path("scrape_configs")) {
            List<Rule> rules = new ArrayList<>();
            for (JsonNode r : job.path("relabel_configs")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = new ObjectMapper().convertValue(r, Map.class);
                rules.add(Rule.of(m));
            }
            byJob.put(job.path("job_name").asText(), Relabeling.scrape(job.path("job_name").asText(),
                    job.path("honor_labels").asBoolean(false), rules, candidates));
        }
        assertThat(byJob.get("headroom-sidecar")).as("sidecar targets").hasSize(1);
        assertThat(byJob.get("headroom-controller")).as("controller targets (its http port only)").hasSize(1);
        checkDashboardsAndAlerts(series(byJob.get("headroom-sidecar").get(0), byJob.get("headroom-controller").get(0)));
    }

    @Test
    void withoutHonorLabelsTheControllersNamespaceWouldHideTheWorkload() {
        // What the ServiceMonitor's honorLabels is for: Prometheus's default renames a clashing series label.
        Target controller = new Target(Map.of("namespace", Deploy.NAMESPACE, "pod", "headroom-0"), false);
        Map<String, String> stored = controller.series(Map.of("namespace", WORKLOAD_NAMESPACE, "workload", "w"));
        assertThat(stored).containsEntry("namespace", Deploy.NAMESPACE)
                .containsEntry("exported_namespace", WORKLOAD_NAMESPACE);
        assertThat(new Target(controller.labels(), true).series(Map.of("namespace", WORKLOAD_NAMESPACE)))
                .containsEntry("namespace", WORKLOAD_NAMESPACE).doesNotContainKey("exported_namespace");
    }

    @Test
    void theRelabelRulesAreAnchoredAndExpandGroups() {
        Map<String, String> in = Map.of("a", "headroom-x", "b", "y");
        assertThat(Relabeling.apply(in, List.of(Rule.keep("headroom", "a")))).as("anchored keep").isNull();
        assertThat(Relabeling.apply(in, List.of(Rule.keep("headroom-.*", "a")))).isNotNull();
        assertThat(Relabeling.apply(in, List.of(new Rule(List.of("a", "b"), null, "headroom-(.*);(.*)", "c",
                "${1}/$2", null)))).containsEntry("c", "x/y");
        assertThat(Relabeling.apply(in, List.of(new Rule(List.of("missing"), null, null, "a", null, null))))
                .as("an empty value removes the target label").doesNotContainKey("a");
        assertThat(Relabeling.apply(in, List.of(new Rule(null, null, "(a)", null, "copy_$1", "labelmap"))))
                .containsEntry("copy_a", "headroom-x");
    }

    /** The series the chart's PodMonitor and ServiceMonitor give Prometheus. */
    private static Map<String, Map<String, String>> operatorSeries(List<HasMetadata> chart) {
        PodMonitor pm = Deploy.one(chart, PodMonitor.class);
        ServiceMonitor sm = Deploy.one(chart, ServiceMonitor.class);
        Service service = Deploy.one(chart, Service.class);
        List<Target> sidecars = Relabeling.scrape(pm,
                Relabeling.podTargets(examplePod(), exampleTemplate().getSpec(), "10.0.1.7"));
        List<Map<String, String>> controllerPods = new ArrayList<>(
                Relabeling.podTargets(controllerPod(chart), controllerTemplate(chart).getSpec(), "10.0.2.9"));
        List<Target> controllers = Relabeling.scrape(sm, Relabeling.endpointTargets(service, controllerPod(chart),
                controllerTemplate(chart).getSpec(), "10.0.2.9"));
        assertThat(sidecars).as("the PodMonitor's targets among the example's pod").hasSize(1);
        assertThat(controllers).as("the ServiceMonitor's targets among the controller's endpoints").hasSize(1);
        assertThat(Relabeling.scrape(pm, controllerPods)).as("the PodMonitor never scrapes the controller").isEmpty();
        return series(sidecars.get(0), controllers.get(0));
    }

    /** One series per exported family: its own labels (as the exporter gives them) under its target's. */
    private static Map<String, Map<String, String>> series(Target sidecar, Target controller) {
        String policy = examplePolicy().getMetadata().getName();
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (MetricFamily f : MetricFamily.values()) {
            if (f.prometheusName().isEmpty()) {
                continue;
            }
            boolean controllers = f.labels().contains(MetricFamily.Labels.WORKLOAD_NAME);
            Map<String, String> own = new LinkedHashMap<>();
            for (String label : f.labels()) {
                own.put(label, switch (label) {
                    case MetricFamily.Labels.NAMESPACE -> WORKLOAD_NAMESPACE;
                    case MetricFamily.Labels.WORKLOAD_NAME -> policy;
                    case MetricFamily.Labels.MODEL -> "meta-llama/Llama-3.1-8B-Instruct";
                    default -> "x";
                });
            }
            Target target = controllers ? controller : sidecar;
            String name = f.prometheusName().get();
            if (f.type() == MetricFamily.Type.HISTOGRAM) {
                // A histogram is its samples: buckets with le, then sum and count.
                Map<String, String> bucket = new LinkedHashMap<>(own);
                bucket.put("le", "+Inf");
                out.put(name + "_bucket", target.series(bucket));
                out.put(name + "_sum", target.series(own));
                out.put(name + "_count", target.series(own));
            } else {
                out.put(name, target.series(own));
            }
        }
        return out;
    }

    private static void checkDashboardsAndAlerts(Map<String, Map<String, String>> series) {
        try (var files = Files.list(Deploy.root().resolve("dashboards/grafana"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                checkDashboard(file, series);
            }
            JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(
                    Deploy.root().resolve("dashboards/prometheus/headroom-alerts.yml").toFile());
            for (JsonNode group : rules.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String expr = rule.path("expr").asText();
                    assertThat(selects(expr, Map.of(), series)).as("alert %s selects a series: %s",
                            rule.path("alert").asText(), expr).isTrue();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void checkDashboard(Path file, Map<String, Map<String, String>> series) throws IOException {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (JsonNode v : json.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) {
                continue;
            }
            String name = v.path("name").asText();
            String query = v.path("query").path("query").asText();
            Matcher m = LABEL_VALUES.matcher(query.strip());
            assertThat(m.matches()).as("%s: variable %s is a label_values query", file.getFileName(), name).isTrue();
            Set<String> found = new TreeSet<>();
            for (Map<String, String> context : contexts(values)) {
                for (Map<String, String> s : matching(m.group(1), context, series)) {
                    if (s.containsKey(m.group(2))) {
                        found.add(s.get(m.group(2)));
                    }
                }
            }
            assertThat(found).as("%s: variable %s (%s) finds values", file.getFileName(), name, query).isNotEmpty();
            values.put(name, found);
        }
        for (JsonNode panel : json.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                for (Map<String, String> context : contexts(values)) {
                    assertThat(selects(expr, context, series)).as("%s: panel '%s' selects a series with %s: %s",
                            file.getFileName(), panel.path("title").asText(), context, expr).isTrue();
                }
            }
        }
    }

    /** Every assignment of one value to each variable. */
    private static List<Map<String, String>> contexts(Map<String, Set<String>> values) {
        List<Map<String, String>> out = new ArrayList<>(List.of(Map.of()));
        for (var e : values.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : out) {
                for (String v : e.getValue()) {
                    Map<String, String> n = new TreeMap<>(c);
                    n.put(e.getKey(), Pattern.quote(v));
                    next.add(n);
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * Whether every metric selector of {@code expr} selects a series, and every label the expression filters or
     * groups on is on the series of every metric it names; a metric that only filters the others
     * ({@code unless on (namespace, workload) headroom_engine_info{...}}) needs the labels it is matched on.
     */
    private static boolean selects(String expr, Map<String, String> context, Map<String, Map<String, String>> series) {
        Set<String> grouping = new TreeSet<>();
        Matcher g = GROUPING.matcher(expr);
        while (g.find()) {
            grouping.addAll(labelList(g.group(1)));
        }
        Map<String, Set<String>> filters = new java.util.HashMap<>();
        Matcher f = FILTER.matcher(expr);
        while (f.find()) {
            filters.put(f.group(2), labelList(f.group(1)));
        }
        Matcher m = METRIC.matcher(expr);
        boolean any = false;
        while (m.find()) {
            any = true;
            Map<String, String> s = series.get(m.group(1));
            assertThat(s).as("%s is exported (%s)", m.group(1), expr).isNotNull();
            assertThat(s.keySet()).as("labels of %s grouped on in %s", m.group(1), expr)
                    .containsAll(filters.getOrDefault(m.group(1), grouping));
        }
        return any && !matching(expr, context, series).isEmpty()
                && SELECTOR.matcher(expr).results().allMatch(r -> !matching(r.group(), context, series).isEmpty());
    }

    private static Set<String> labelList(String commaSeparated) {
        Set<String> out = new TreeSet<>();
        for (String l : commaSeparated.split(",")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    /** The series a selector (the first in {@code expr}) selects, with the variables of {@code context}. */
    private static List<Map<String, String>> matching(String expr, Map<String, String> context,
                                                      Map<String, Map<String, String>> series) {
        Matcher sel = SELECTOR.matcher(expr);
        String metric;
        String matchers;
        if (sel.find()) {
            metric = sel.group(1);
            matchers = sel.group(2);
        } else {
            Matcher bare = METRIC.matcher(expr);
            if (!bare.find()) {
                return List.of();
            }
            metric = bare.group(1);
            matchers = "";
        }
        Map<String, String> s = series.get(metric);
        assertThat(s).as("%s is exported", metric).isNotNull();
        Matcher mm = MATCHER.matcher(matchers);
        while (mm.find()) {
            String label = mm.group(1);
            String value = mm.group(3);
            assertThat(s).as("%s carries %s, which %s filters on", metric, label, expr).containsKey(label);
            if (value.startsWith("$")) {
                String bound = context.get(value.substring(1));
                if (bound != null && !Pattern.matches(bound, s.get(label))) {
                    return List.of();
                }
            }
        }
        return List.of(s);
    }

    private static PodTemplateSpec exampleTemplate() {
        return Deploy.one(Deploy.parse(Deploy.examples().resolve("vllm-with-headroom.yaml")), Deployment.class)
                .getSpec().getTemplate();
    }

    /** One pod of the example's Deployment, as its ReplicaSet names it, in the namespace the example is applied. */
    private static ObjectMeta examplePod() {
        return new ObjectMetaBuilder().withName("llama-3-8b-6f9c7d5b8-x2k4p").withNamespace(WORKLOAD_NAMESPACE)
                .withLabels(exampleTemplate().getMetadata().getLabels()).build();
    }

    private static HeadroomPolicy examplePolicy() {
        return Deploy.one(Deploy.parse(Deploy.examples().resolve("headroompolicy-direct.yaml")), HeadroomPolicy.class);
    }

    private static PodTemplateSpec controllerTemplate(List<HasMetadata> chart) {
        return Deploy.one(chart, Deployment.class).getSpec().getTemplate();
    }

    private static ObjectMeta controllerPod(List<HasMetadata> chart) {
        return new ObjectMetaBuilder().withName("headroom-7d8f9c6b5-q4w2e").withNamespace(Deploy.NAMESPACE)
                .withLabels(controllerTemplate(chart).getMetadata().getLabels()).build();
    }
}
