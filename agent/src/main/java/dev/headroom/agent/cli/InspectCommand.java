package dev.headroom.agent.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GenericDialect;
import dev.headroom.collectors.engine.Inspection;
import dev.headroom.collectors.engine.InspectionResult;
import dev.headroom.collectors.exposition.ParserLimits;
import dev.headroom.collectors.scrape.FailureKind;
import dev.headroom.collectors.scrape.Fetch;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.ScrapeOutcome;
import dev.headroom.collectors.scrape.Scraper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code headroom inspect}: what Headroom reads from one payload, without deploying anything.
 *
 * <p>A URL is read as the sidecar reads it: one {@link Scraper} scrape (fetch, the reader, and the second fetch a
 * dialect asks for, llama.cpp's {@code slots}), so that what {@code inspect} shows is what a sidecar would. The lists
 * of families read and not used come from a second fetch of the same URL read with every family built, which a
 * scrape does not do.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what Headroom reads from one /metrics payload (a URL or a file).",
                "Parses it, detects the engine and prints the dialect, the canonical sample, the readings it rejected"
                        + " and why, and the families it did not use; --output json prints the same as one JSON"
                        + " document. A URL is scraped as the sidecar scrapes it (llama.cpp's slots included).",
                "Exit status: 0 read, 1 malformed or unrecognised, 2 could not fetch or read the input or a bad"
                        + " option."})
public class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<url|file>", description = "http(s) URL of a metrics endpoint, or a file holding a payload")
    String source;

    @Option(names = "--dialect", defaultValue = DialectRegistry.AUTO, description = "auto, or a dialect name such as vllm"
            + " (generic needs --map or --map-file). Default: ${DEFAULT-VALUE}")
    String dialect;

    @Option(names = "--content-type", description = "Content type of a file payload (default: detected from the text)")
    String contentType;

    @Option(names = "--map", paramLabel = "SIGNAL.PROPERTY=VALUE", description = {"A generic-dialect mapping key, as"
            + " headroom.sidecar.generic.* takes it, e.g. --map queue.metric=my_waiting_requests; repeatable."})
    Map<String, String> map = new LinkedHashMap<>();

    @Option(names = "--map-file", paramLabel = "FILE", description = "A properties file of generic-dialect mapping"
            + " keys (SIGNAL.PROPERTY=VALUE, one a line); --map entries override it")
    Path mapFile;

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text, or json: one JSON document (source, format, dialect, sample, rejected, families"
                    + " read and not used). Default: ${DEFAULT-VALUE}")
    String output;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        if (!output.equals("text") && !output.equals("json")) {
            err.printf("inspect: unknown --output '%s': expected text or json%n", output);
            return 2;
        }
        DialectRegistry registry;
        try {
            registry = registry();
            registry.resolve(dialect); // an unknown name, or generic without a mapping, is one line naming the valid ones
        } catch (IllegalArgumentException e) {
            err.printf("inspect: %s%n", oneLine(e.getMessage()));
            return 2;
        } catch (IOException e) {
            err.printf("inspect: cannot read the mapping file %s: %s%n", mapFile, e.getMessage());
            return 2;
        }
        if (source.startsWith("http://") || source.startsWith("https://")) {
            return inspectUrl(URI.create(source), registry);
        }
        Path file = Path.of(source);
        if (!Files.isReadable(file)) {
            err.printf("inspect: cannot read %s: no such file, or not readable (a URL must start with http:// or https://)%n", file);
            return 2;
        }
        // No more than a scrape would accept, plus one byte to tell: a multi-gigabyte file (or a device that never
        // ends) read whole would exhaust the heap before the parser could refuse it.
        long limit = ParserLimits.DEFAULTS.maxBodyBytes();
        byte[] body;
        try (InputStream in = Files.newInputStream(file)) {
            body = in.readNBytes((int) limit + 1);
        }
        if (body.length > limit) {
            err.printf(Locale.ROOT, "inspect: %s holds more than %,d bytes, the most a scrape accepts"
                    + " (ParserLimits.maxBodyBytes): not read further%n", file, limit);
            return 1;
        }
        return report(source, new Inspection(registry, ParserLimits.DEFAULTS).inspect(body, contentType, dialect,
                Instant.now()));
    }

    /** The standard dialects, and the generic one where a mapping was given. */
    private DialectRegistry registry() throws IOException {
        Map<String, String> mapping = new LinkedHashMap<>();
        if (mapFile != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(mapFile)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> mapping.put(k, p.getProperty(k)));
        }
        mapping.putAll(map);
        return mapping.isEmpty() ? DialectRegistry.standard()
                : DialectRegistry.standard(GenericDialect.fromConfig(mapping));
    }

    private int inspectUrl(URI url, DialectRegistry registry) throws IOException {
        Scraper scraper = new Scraper(ScrapeConfig.defaults(url).withDialect(dialect), registry, InstantSource.system());
        ScrapeOutcome outcome = scraper.scrape();
        if (outcome instanceof ScrapeOutcome.Failure f) {
            err.printf("inspect: %s: %s (%s)%n", url, f.message(), f.kind().name().toLowerCase(Locale.ROOT));
            return f.kind() == FailureKind.MALFORMED || f.kind() == FailureKind.UNRECOGNISED ? 1 : 2;
        }
        ScrapeOutcome.Success ok = (ScrapeOutcome.Success) outcome;
        // The families: a second fetch, read with every family built (a scrape builds only a dialect's).
        String format = "unknown";
        List<String> unused = null;
        Fetch fetched = scraper.fetch();
        if (fetched instanceof Fetch.Body body) {
            byte[] bytes = java.util.Arrays.copyOf(body.bytes(), body.length());
            InspectionResult again = new Inspection(registry, ParserLimits.DEFAULTS)
                    .inspect(bytes, body.contentType(), ok.dialect(), Instant.now());
            if (again instanceof InspectionResult.Recognised r) {
                format = r.format().toString();
                unused = r.unusedFamilies();
            }
        }
        printRead(url.toString(), format, ok.dialect(), ok.sample(), ok.usedFamilies(), unused);
        return 0;
    }

    private int report(String where, InspectionResult result) throws IOException {
        if (result instanceof InspectionResult.Recognised r) {
            printRead(where, r.format().toString(), r.dialect(), r.sample(), r.usedFamilies(), r.unusedFamilies());
            return 0;
        }
        if (result instanceof InspectionResult.Malformed m) {
            err.printf("inspect: %s is not valid exposition text: %s%n", where, m.error().getMessage());
            return 1;
        }
        InspectionResult.Unrecognised u = (InspectionResult.Unrecognised) result;
        err.printf("inspect: %s: %s%n", where, u.message());
        return 1;
    }

    private void printRead(String where, String format, String dialectName, EngineSample sample, List<String> used,
            List<String> unused) throws IOException {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        if (output.equals("json")) {
            out.println(json.writeValueAsString(new Read(where, format, dialectName, SampleJson.of(sample),
                    sample.rejections().stream().map(r -> new RejectedJson(r.reading().name().toLowerCase(Locale.ROOT),
                            r.reason().key(), r.toString())).toList(), used, unused)));
            return;
        }
        out.printf("source:   %s%nformat:   %s%ndialect:  %s%nengine:   %s%n%n", where, format, dialectName, sample.engine());
        out.println("sample (absent = the engine does not expose it: unknown, not zero):");
        out.println(json.writeValueAsString(SampleJson.of(sample)));
        if (!sample.rejections().isEmpty()) {
            out.printf("%nrejected (%d): left out, unknown for this scrape, never 0 and never as read:%n",
                    sample.rejections().size());
            sample.rejections().forEach(r -> out.printf("  %s: %s%n",
                    r.reading().name().toLowerCase(Locale.ROOT), r));
        }
        out.printf("%nfamilies read (%d): %s%n", used.size(), String.join(", ", used));
        if (unused == null) {
            out.println("families not used: not known (the second fetch, which lists them, did not read)");
        } else {
            out.printf("families not used (%d): %s%n", unused.size(), String.join(", ", unused));
        }
    }

    /** {@code --output json}: everything the text shows, as one document; {@code families_not_used} null when not known. */
    record Read(String source, String format, String dialect, SampleJson sample, List<RejectedJson> rejected,
                @JsonProperty("families_read") List<String> familiesRead,
                @JsonProperty("families_not_used") List<String> familiesNotUsed) {
    }

    record RejectedJson(String reading, String reason, String detail) {
    }

    private static String oneLine(String message) {
        return message == null ? "invalid option" : message.replace('\n', ' ');
    }
}
