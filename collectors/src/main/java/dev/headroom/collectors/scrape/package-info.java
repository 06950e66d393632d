/**
 * Fetching one engine's metrics endpoint over HTTP ({@link dev.headroom.collectors.scrape.Scraper}, on the JDK
 * {@code HttpClient}) and turning the response into a sample or a typed {@link
 * dev.headroom.collectors.scrape.FailureKind failure}.
 *
 * <p>What this package must never do: throw from a scrape (only a {@link VirtualMachineError} passes through, as
 * itself); wait without a deadline; hold more than the configured
 * body size in memory, compressed or inflated; read the wall clock for a sample's timestamp (the {@code
 * InstantSource} is injected); retry on its own (the caller's loop decides the cadence).
 */
package dev.headroom.collectors.scrape;
