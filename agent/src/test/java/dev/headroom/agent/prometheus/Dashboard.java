package dev.headroom.agent.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Grafana dashboard file read for its variables and its panels' PromQL queries. */
record Dashboard(Path file, JsonNode json) {

    /** One query of one panel. */
    record Query(String panel, String refId, String expr) {

        /** The expression as Grafana would send it, with each {@code $variable} replaced. */
        String substituted(Map<String, String> values) {
            String out = expr;
            // Longest names first, so that $__rate_interval is not cut by a shorter one.
            List<String> names = new ArrayList<>(values.keySet());
            names.sort((a, b) -> b.length() - a.length());
            for (String name : names) {
                out = out.replace("$" + name, values.get(name));
            }
            return out;
        }
    }

    static Dashboard read(Path file) throws IOException {
        return new Dashboard(file, new ObjectMapper().readTree(file.toFile()));
    }

    List<String> variables() {
        List<String> names = new ArrayList<>();
        json.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new Query(panel.path("title").asText(), target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return out;
    }

    /** The Prometheus annotation queries (Grafana's built-in annotation has none), named by the annotation. */
    List<Query> annotationQueries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode a : json.path("annotations").path("list")) {
            if ("prometheus".equals(a.path("datasource").path("type").asText())) {
                out.add(new Query("annotation " + a.path("name").asText(), "", a.path("expr").asText()));
            }
        }
        return out;
    }

    /** The label_values(...) queries of the query variables, by variable name. */
    Map<String, String> variableQueries() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        json.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText())) {
                out.put(v.path("name").asText(), v.path("query").path("query").asText());
            }
        });
        return out;
    }
}
