package dev.headroom.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.Inspection;
import dev.headroom.collectors.engine.InspectionResult;
import dev.headroom.collectors.scrape.Fetch;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.ScrapeOutcome;
import dev.headroom.collectors.scrape.Scraper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Callable;

/** {@code headroom inspect}: what Headroom reads from one payload, without deploying anything. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what Headroom reads from one /metrics payload (a URL or a file).",
                "Parses it, detects the engine and prints the dialect, the canonical sample as JSON,",
                "and the families it did not use.",
                "Exit status: 0 read, 1 malformed or unrecognised, 2 could not fetch or read the input."})
public class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<url|file>", description = "http(s) URL of a metrics endpoint, or a file holding a payload")
    String source;

    @Option(names = "--dialect", defaultValue = DialectRegistry.AUTO, description = "auto, or a dialect name such as vllm. Default: ${DEFAULT-VALUE}")
    String dialect;

    @Option(names = "--content-type", description = "Content type of a file payload (default: detected from the text)")
    String contentType;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            return inspectUrl(URI.create(source));
        }
        Path file = Path.of(source);
        if (!Files.isReadable(file)) {
            err.printf("inspect: cannot read %s: no such file, or not readable (a URL must start with http:// or https://)%n", file);
            return 2;
        }
        byte[] body = Files.readAllBytes(file);
        return report(source, new Inspection().inspect(body, contentType, dialect, Instant.now()));
    }

    private int inspectUrl(URI url) throws IOException {
        Scraper scraper = new Scraper(ScrapeConfig.defaults(url).withDialect(dialect), DialectRegistry.standard(), InstantSource.system());
        Fetch fetched = scraper.fetch();
        if (fetched instanceof Fetch.Failed failed) {
            ScrapeOutcome.Failure f = failed.failure();
            err.printf("inspect: %s: %s (%s)%n", url, f.message(), f.kind().name().toLowerCase(java.util.Locale.ROOT));
            return 2;
        }
        Fetch.Body body = (Fetch.Body) fetched;
        byte[] bytes = java.util.Arrays.copyOf(body.bytes(), body.length());
        return report(url.toString(), new Inspection().inspect(bytes, body.contentType(), dialect, Instant.now()));
    }

    private int report(String where, InspectionResult result) throws IOException {
        if (result instanceof InspectionResult.Recognised r) {
            ObjectMapper json = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
            out.printf("source:   %s%nformat:   %s%ndialect:  %s%nengine:   %s%n%n", where, r.format(), r.dialect(), r.sample().engine());
            out.println("sample (absent = the engine does not expose it: unknown, not zero):");
            out.println(json.writeValueAsString(SampleJson.of(r.sample())));
            out.printf("%nfamilies read (%d): %s%n", r.usedFamilies().size(), String.join(", ", r.usedFamilies()));
            out.printf("families not used (%d): %s%n", r.unusedFamilies().size(), String.join(", ", r.unusedFamilies()));
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
}
