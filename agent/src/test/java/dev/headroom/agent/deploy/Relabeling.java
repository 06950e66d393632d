package dev.headroom.agent.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus's target relabelling, as Prometheus does it, for the tests that check what labels the scraped series
 * get: Kubernetes service discovery's labels for a pod ({@code role: pod}) and a Service's endpoints
 * ({@code role: endpoints}), the relabel actions {@code replace}, {@code keep}, {@code drop}, {@code labelmap},
 * {@code labeldrop} and {@code labelkeep} with fully anchored regexes and Prometheus's defaults (separator
 * {@code ;}, regex {@code (.*)}, replacement {@code $1}), the {@code __} labels dropped afterwards, and
 * {@code honor_labels} deciding a clash between a target label and a series' own.
 *
 * <p>A {@link PodMonitor} or {@link ServiceMonitor} becomes the relabelling the Prometheus Operator generates for it
 * (its selector and port kept, then {@code namespace}, {@code container}, {@code pod}, {@code service}, {@code job},
 * {@code endpoint}, then the object's own {@code relabelings}), after prometheus-operator's
 * {@code pkg/prometheus/promcfg.go}.
 */
final class Relabeling {

    /** One relabel rule, with Prometheus's defaults for what it leaves out. */
    record Rule(List<String> sourceLabels, String separator, String regex, String targetLabel, String replacement,
                String action) {
        Rule {
            sourceLabels = sourceLabels == null ? List.of() : List.copyOf(sourceLabels);
            separator = separator == null ? ";" : separator;
            regex = regex == null ? "(.*)" : regex;
            replacement = replacement == null ? "$1" : replacement;
            action = action == null ? "replace" : action.toLowerCase();
        }

        static Rule keep(String regex, String... sources) {
            return new Rule(List.of(sources), null, regex, null, null, "keep");
        }

        static Rule set(String target, String value) {
            return new Rule(List.of(), null, null, target, value, "replace");
        }

        static Rule copy(String source, String target) {
            return new Rule(List.of(source), null, null, target, null, "replace");
        }

        static Rule of(RelabelConfig c) {
            return new Rule(c.getSourceLabels(), c.getSeparator(), c.getRegex(), c.getTargetLabel(),
                    c.getReplacement(), c.getAction());
        }

        /** A rule of a {@code relabel_configs} list read from YAML (snake_case keys). */
        @SuppressWarnings("unchecked")
        static Rule of(Map<String, Object> c) {
            return new Rule((List<String>) c.get("source_labels"), (String) c.get("separator"),
                    c.get("regex") == null ? null : String.valueOf(c.get("regex")), (String) c.get("target_label"),
                    (String) c.get("replacement"), (String) c.get("action"));
        }
    }

    /** A scrape target: its labels once relabelled ({@code __} labels gone). */
    record Target(Map<String, String> labels, boolean honorLabels) {

        /**
         * The labels a series with {@code own} labels ends up with in Prometheus: the target's added; on a clash,
         * the series' value kept under honor_labels, else the target's, the series' own renamed
         * {@code exported_<name>}.
         */
        Map<String, String> series(Map<String, String> own) {
            Map<String, String> out = new TreeMap<>(own);
            for (var e : labels.entrySet()) {
                String mine = out.get(e.getKey());
                if (mine == null || mine.isEmpty()) {
                    out.put(e.getKey(), e.getValue());
                } else if (!honorLabels) {
                    out.put("exported_" + e.getKey(), mine);
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out;
        }
    }

    private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_]");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private Relabeling() {
    }

    /** {@code labels} after {@code rules}; null when a rule drops the target. */
    static Map<String, String> apply(Map<String, String> labels, List<Rule> rules) {
        Map<String, String> l = new TreeMap<>(labels);
        for (Rule r : rules) {
            Pattern p = Pattern.compile("^(?:" + r.regex() + ")$");
            String value = String.join(r.separator(), r.sourceLabels().stream()
                    .map(s -> l.getOrDefault(s, "")).toList());
            switch (r.action()) {
                case "keep" -> {
                    if (!p.matcher(value).matches()) {
                        return null;
                    }
                }
                case "drop" -> {
                    if (p.matcher(value).matches()) {
                        return null;
                    }
                }
                case "replace" -> {
                    Matcher m = p.matcher(value);
                    if (!m.matches()) {
                        continue;
                    }
                    String target = expand(m, r.targetLabel());
                    if (!LABEL_NAME.matcher(target).matches()) {
                        continue;
                    }
                    String v = expand(m, r.replacement());
                    if (v.isEmpty()) {
                        l.remove(target);
                    } else {
                        l.put(target, v);
                    }
                }
                case "labelmap" -> {
                    Map<String, String> add = new LinkedHashMap<>();
                    for (var e : l.entrySet()) {
                        Matcher m = p.matcher(e.getKey());
                        if (m.matches()) {
                            add.put(expand(m, r.replacement()), e.getValue());
                        }
                    }
                    l.putAll(add);
                }
                case "labeldrop" -> l.keySet().removeIf(k -> p.matcher(k).matches());
                case "labelkeep" -> l.keySet().removeIf(k -> !p.matcher(k).matches());
                default -> throw new IllegalArgumentException("relabel action not modelled: " + r.action());
            }
        }
        return l;
    }

    /** Prometheus's expansion of {@code $1}, {@code ${1}} and {@code $name} in a replacement or target label. */
    private static String expand(Matcher m, String template) {
        if (template == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        Matcher ref = Pattern.compile("\\$(?:\\{(\\w+)}|(\\w+))").matcher(template);
        int last = 0;
        while (ref.find()) {
            out.append(template, last, ref.start());
            String name = ref.group(1) != null ? ref.group(1) : ref.group(2);
            String v;
            if (name.chars().allMatch(Character::isDigit)) {
                int g = Integer.parseInt(name);
                v = g <= m.groupCount() && m.group(g) != null ? m.group(g) : "";
            } else {
                v = "";
            }
            out.append(v);
            last = ref.end();
        }
        return out.append(template.substring(last)).toString();
    }

    /** A Kubernetes label name as discovery spells it in {@code __meta_kubernetes_*_label_<name>}. */
    static String sanitize(String labelName) {
        return INVALID.matcher(labelName).replaceAll("_");
    }

    /** Discovery's labels for each container port of a pod ({@code role: pod}). */
    static List<Map<String, String>> podTargets(ObjectMeta pod, PodSpec spec, String podIp) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Container c : spec.getContainers()) {
            for (ContainerPort port : c.getPorts()) {
                Map<String, String> l = podLabels(pod);
                l.put("__address__", podIp + ":" + port.getContainerPort());
                l.put("__meta_kubernetes_pod_container_name", c.getName());
                l.put("__meta_kubernetes_pod_container_port_name", Objects.toString(port.getName(), ""));
                l.put("__meta_kubernetes_pod_container_port_number", String.valueOf(port.getContainerPort()));
                out.add(l);
            }
        }
        return out;
    }

    /** Discovery's labels for each port of a Service backed by the pod ({@code role: endpoints}). */
    static List<Map<String, String>> endpointTargets(Service service, ObjectMeta pod, PodSpec spec, String podIp) {
        List<Map<String, String>> out = new ArrayList<>();
        for (ServicePort sp : service.getSpec().getPorts()) {
            for (Container c : spec.getContainers()) {
                for (ContainerPort port : c.getPorts()) {
                    boolean backs = sp.getTargetPort() == null
                            ? Objects.equals(sp.getPort(), port.getContainerPort())
                            : sp.getTargetPort().getStrVal() != null
                            ? sp.getTargetPort().getStrVal().equals(port.getName())
                            : Objects.equals(sp.getTargetPort().getIntVal(), port.getContainerPort());
                    if (!backs) {
                        continue;
                    }
                    Map<String, String> l = podLabels(pod);
                    l.put("__address__", podIp + ":" + port.getContainerPort());
                    l.put("__meta_kubernetes_service_name", service.getMetadata().getName());
                    service.getMetadata().getLabels().forEach((k, v) -> {
                        l.put("__meta_kubernetes_service_label_" + sanitize(k), v);
                        l.put("__meta_kubernetes_service_labelpresent_" + sanitize(k), "true");
                    });
                    l.put("__meta_kubernetes_endpoint_port_name", Objects.toString(sp.getName(), ""));
                    l.put("__meta_kubernetes_endpoint_address_target_kind", "Pod");
                    l.put("__meta_kubernetes_endpoint_address_target_name", pod.getName());
                    l.put("__meta_kubernetes_pod_container_name", c.getName());
                    l.put("__meta_kubernetes_pod_container_port_name", Objects.toString(port.getName(), ""));
                    out.add(l);
                }
            }
        }
        return out;
    }

    private static Map<String, String> podLabels(ObjectMeta pod) {
        Map<String, String> l = new TreeMap<>();
        l.put("__meta_kubernetes_namespace", pod.getNamespace());
        l.put("__meta_kubernetes_pod_name", pod.getName());
        pod.getLabels().forEach((k, v) -> {
            l.put("__meta_kubernetes_pod_label_" + sanitize(k), v);
            l.put("__meta_kubernetes_pod_labelpresent_" + sanitize(k), "true");
        });
        return l;
    }

    /** The targets a PodMonitor's endpoint makes of {@code candidates}, relabelled as the Operator configures it. */
    static List<Target> scrape(PodMonitor monitor, List<Map<String, String>> candidates) {
        List<Target> out = new ArrayList<>();
        for (PodMetricsEndpoint e : monitor.getSpec().getPodMetricsEndpoints()) {
            List<Rule> rules = new ArrayList<>();
            monitor.getSpec().getSelector().getMatchLabels().forEach((k, v) -> rules.add(Rule.keep("(" + v + ");true",
                    "__meta_kubernetes_pod_label_" + sanitize(k), "__meta_kubernetes_pod_labelpresent_" + sanitize(k))));
            rules.add(Rule.keep(e.getPort(), "__meta_kubernetes_pod_container_port_name"));
            rules.add(Rule.copy("__meta_kubernetes_namespace", "namespace"));
            rules.add(Rule.copy("__meta_kubernetes_pod_container_name", "container"));
            rules.add(Rule.copy("__meta_kubernetes_pod_name", "pod"));
            rules.add(Rule.set("job", monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName()));
            rules.add(Rule.set("endpoint", e.getPort()));
            if (e.getRelabelings() != null) {
                e.getRelabelings().forEach(r -> rules.add(Rule.of(r)));
            }
            List<String> namespaces = monitor.getSpec().getNamespaceSelector() == null ? List.of()
                    : monitor.getSpec().getNamespaceSelector().getMatchNames();
            relabel(candidates, ns -> namespaces.isEmpty() || namespaces.contains(ns), rules,
                    Boolean.TRUE.equals(e.getHonorLabels()), out);
        }
        return out;
    }

    /** The targets a ServiceMonitor's endpoint makes of {@code candidates}, as the Operator configures it. */
    static List<Target> scrape(ServiceMonitor monitor, List<Map<String, String>> candidates) {
        List<Target> out = new ArrayList<>();
        for (Endpoint e : monitor.getSpec().getEndpoints()) {
            List<Rule> rules = new ArrayList<>();
            monitor.getSpec().getSelector().getMatchLabels().forEach((k, v) -> rules.add(Rule.keep("(" + v + ");true",
                    "__meta_kubernetes_service_label_" + sanitize(k),
                    "__meta_kubernetes_service_labelpresent_" + sanitize(k))));
            rules.add(Rule.keep(e.getPort(), "__meta_kubernetes_endpoint_port_name"));
            rules.add(new Rule(List.of("__meta_kubernetes_endpoint_address_target_kind",
                    "__meta_kubernetes_endpoint_address_target_name"), ";", "Pod;(.*)", "pod", "${1}", "replace"));
            rules.add(Rule.copy("__meta_kubernetes_namespace", "namespace"));
            rules.add(Rule.copy("__meta_kubernetes_service_name", "service"));
            rules.add(Rule.copy("__meta_kubernetes_pod_name", "pod"));
            rules.add(Rule.copy("__meta_kubernetes_pod_container_name", "container"));
            rules.add(Rule.copy("__meta_kubernetes_service_name", "job"));
            rules.add(Rule.set("endpoint", e.getPort()));
            if (e.getRelabelings() != null) {
                e.getRelabelings().forEach(r -> rules.add(Rule.of(r)));
            }
            relabel(candidates, monitor.getMetadata().getNamespace()::equals, rules,
                    Boolean.TRUE.equals(e.getHonorLabels()), out);
        }
        return out;
    }

    /** Adds to {@code out} the targets {@code rules} keep of the candidates in a namespace {@code watched} accepts. */
    private static void relabel(List<Map<String, String>> candidates, java.util.function.Predicate<String> watched,
                                List<Rule> rules, boolean honorLabels, List<Target> out) {
        for (Map<String, String> c : candidates) {
            if (!watched.test(c.get("__meta_kubernetes_namespace"))) {
                continue;
            }
            Map<String, String> l = apply(c, rules);
            if (l != null) {
                out.add(new Target(finish(l), honorLabels));
            }
        }
    }

    /** The targets a plain {@code scrape_configs} job makes of {@code candidates}. */
    static List<Target> scrape(String jobName, boolean honorLabels, List<Rule> rules,
                               List<Map<String, String>> candidates) {
        List<Target> out = new ArrayList<>();
        for (Map<String, String> c : candidates) {
            Map<String, String> withJob = new TreeMap<>(c);
            withJob.put("job", jobName);
            Map<String, String> l = apply(withJob, rules);
            if (l != null) {
                out.add(new Target(finish(l), honorLabels));
            }
        }
        return out;
    }

    /** What Prometheus does after relabelling: {@code instance} from the address, the {@code __} labels gone. */
    private static Map<String, String> finish(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>(labels);
        out.putIfAbsent("instance", labels.get("__address__"));
        out.keySet().removeIf(k -> k.startsWith("__"));
        return out;
    }
}
