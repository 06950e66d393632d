package dev.headroom.agent.otel;

import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.signals.Signal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each signal's OTLP name and unit, put through the OpenTelemetry Collector's Prometheus translation, give
 * back its {@code /q/metrics} name, so that a dashboard works on either path; so does every other row of
 * {@link MetricFamily} that both exporters render.
 */
class OtlpMetricNamesTest {

    @ParameterizedTest
    @EnumSource(Signal.class)
    void theCollectorsTranslationGivesBackThePrometheusName(Signal signal) {
        OtlpMetric otlp = OtlpMetric.of(signal);
        ExportedMetric prometheus = ExportedMetric.of(signal);
        assertThat(prometheusName(otlp.name(), otlp.unit())).isEqualTo(prometheus.name());
        assertThat(otlp.description()).isEqualTo(prometheus.description());
    }

    @ParameterizedTest
    @EnumSource(MetricFamily.class)
    void everyRowBothExportTranslatesToItsPrometheusName(MetricFamily family) {
        if (family.exporters().size() < 2) {
            assertThat(family.oneSided()).as("a one-sided row says why").isPresent();
            return;
        }
        String translated = prometheusName(family.otlpName().orElseThrow(), family.unit())
                + (family.type() == MetricFamily.Type.COUNTER ? "_total" : "");
        assertThat(translated).isEqualTo(family.prometheusName().orElseThrow());
    }

    /**
     * The Collector's translation for a gauge (prometheus-translator, with unit suffixes on): dots become
     * underscores; annotations in braces are dropped from the unit; {@code s} is {@code seconds}, {@code 1}
     * is {@code ratio}, {@code /s} is {@code per_second}; the unit is appended unless the name already ends with it.
     */
    private static String prometheusName(String name, String unit) {
        String base = name.replace('.', '_');
        String main = unit;
        String per = "";
        int slash = unit.indexOf('/');
        if (slash >= 0) {
            main = unit.substring(0, slash);
            per = unit.substring(slash + 1);
        }
        StringBuilder out = new StringBuilder(base);
        String mainWord = word(main);
        if (!mainWord.isEmpty() && !base.endsWith("_" + mainWord)) {
            out.append('_').append(mainWord);
        }
        String perWord = word(per);
        if (!perWord.isEmpty()) {
            out.append("_per_").append(perWord.equals("seconds") ? "second" : perWord);
        }
        return out.toString();
    }

    private static String word(String unit) {
        if (unit.startsWith("{") && unit.endsWith("}")) {
            return "";
        }
        return switch (unit) {
            case "" -> "";
            case "s" -> "seconds";
            case "1" -> "ratio";
            default -> unit;
        };
    }
}
