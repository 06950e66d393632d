package dev.headroom.agent.keda;

import dev.headroom.agent.external.ServedValue;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The KEDA external scaler ({@code headroom.keda.*}). It is served over gRPC on the agent's HTTP port
 * ({@code quarkus.http.port}, 8480) by every agent; only a controller has decisions to give.
 */
@ConfigMapping(prefix = "headroom.keda")
public interface KedaConfig {

    /** A decision older than this is not served (GetMetrics fails, the HPA holds; IsActive stays true). */
    @WithDefault(ServedValue.DEFAULT_MAX_DECISION_AGE)
    Duration maxDecisionAge();

    /** How often the streams ({@code StreamIsActive}, {@code StreamMetricSpec}) look again; they send on change. */
    @WithDefault("1s")
    Duration streamInterval();
}
