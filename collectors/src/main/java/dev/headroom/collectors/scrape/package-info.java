/**
 * Fetching one engine's metrics endpoint over HTTP ({@link dev.headroom.collectors.scrape.Scraper}: an
 * {@code http://} engine scraped by a scraper of its own on a plain socket, {@code PlainHttp}; otherwise on the JDK
 * {@code HttpClient}) and turning the response into a sample or a typed {@link
 * dev.headroom.collectors.scrape.FailureKind failure}.
 *
 * <p>What this package must never do: throw from a scrape (only a {@link VirtualMachineError} passes through, as
 * itself); wait without a deadline; hold more than the configured
 * body size in memory, compressed or inflated; read the wall clock for a sample's timestamp (the {@code
 * InstantSource} is injected); retry on its own (the caller's loop decides the cadence; the one exception is
 * transport, not policy: a kept-alive connection that the server closed while idle is opened again once, within the
 * same scrape).
 */
package dev.headroom.collectors.scrape;
