package dev.headroom.simulator;

/**
 * How an {@link EngineServer} runs.
 *
 * @param port        TCP port on 127.0.0.1; 0 picks a free one
 * @param timeScale   engine seconds per wall second: 1 is real time, 100 runs steps 100× faster
 * @param maxWaiting  completion requests are refused with 503 once this many are waiting
 * @param httpThreads threads that parse requests and write responses (a bounded pool)
 * @param engineIndex the {@code engine} label (vLLM's data-parallel rank; SGLang's {@code dp_rank})
 * @param format      which engine's {@code /metrics} to speak (default vLLM)
 */
public record ServerOptions(int port, double timeScale, int maxWaiting, int httpThreads, int engineIndex,
        MetricsFormat format) {

    /** Options that serve vLLM's format. */
    public ServerOptions(int port, double timeScale, int maxWaiting, int httpThreads, int engineIndex) {
        this(port, timeScale, maxWaiting, httpThreads, engineIndex, MetricsFormat.VLLM);
    }

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ServerOptions.port must be between 0 and 65535, was " + port);
        }
        if (!(timeScale > 0) || !Double.isFinite(timeScale)) {
            throw new IllegalArgumentException("ServerOptions.timeScale must be finite and > 0, was " + timeScale);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("ServerOptions.maxWaiting must be >= 0, was " + maxWaiting);
        }
        if (httpThreads < 1 || httpThreads > 256) {
            throw new IllegalArgumentException("ServerOptions.httpThreads must be between 1 and 256, was "
                    + httpThreads);
        }
        if (engineIndex < 0) {
            throw new IllegalArgumentException("ServerOptions.engineIndex must be >= 0, was " + engineIndex);
        }
        format = format == null ? MetricsFormat.VLLM : format;
    }

    /** Ephemeral port, real time, at most 1,000 waiting, 4 HTTP threads, engine 0. */
    public static ServerOptions defaults() {
        return new ServerOptions(0, 1.0, 1000, 4, 0);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(p, timeScale, maxWaiting, httpThreads, engineIndex, format);
    }

    public ServerOptions withTimeScale(double scale) {
        return new ServerOptions(port, scale, maxWaiting, httpThreads, engineIndex, format);
    }

    public ServerOptions withMaxWaiting(int cap) {
        return new ServerOptions(port, timeScale, cap, httpThreads, engineIndex, format);
    }

    public ServerOptions withFormat(MetricsFormat f) {
        return new ServerOptions(port, timeScale, maxWaiting, httpThreads, engineIndex, f);
    }
}
