/**
 * Engine dialects: how each inference engine's metric families map onto Headroom's canonical {@link
 * dev.headroom.collectors.engine.EngineSample}, and the explicit {@link dev.headroom.collectors.engine.DialectRegistry}
 * that names them and detects one from the families a payload carries.
 *
 * <p>A new engine is one {@link dev.headroom.collectors.engine.EngineDialect} implementation added to
 * {@link dev.headroom.collectors.engine.DialectRegistry#standard()}; arithmetic shared by dialects (summing ranks,
 * adding histograms with numeric {@code le}) lives in {@link dev.headroom.collectors.engine.FamilyReader}.
 * {@link dev.headroom.collectors.engine.SampleReader} is the one path from a body to a sample (scrapes, the evaluation
 * and {@link dev.headroom.collectors.engine.Inspection}, the one-payload entry point behind {@code headroom inspect}).
 *
 * <p>What this package must never do: report a signal the engine did not expose as zero (absent means unknown);
 * throw on a payload it recognised; derive rates or quantiles (one sample is one instant; windows do that); know
 * about HTTP, threads or clocks beyond the timestamp it is handed (the one lock, the {@code SampleReader}'s, only
 * keeps its reused parser to one parse at a time).
 */
package dev.headroom.collectors.engine;
