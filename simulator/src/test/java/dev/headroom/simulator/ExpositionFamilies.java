package dev.headroom.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A test-side reading of Prometheus text: families with type, label names, bucket bounds and samples. */
final class ExpositionFamilies {

    record Family(String name, String type, TreeSet<String> labelNames, List<String> bucketBounds) {
    }

    final Map<String, Family> families = new LinkedHashMap<>();
    /** Every sample line as "name{labels}" -> value. */
    final Map<String, Double> samples = new LinkedHashMap<>();

    static ExpositionFamilies parse(String text) {
        ExpositionFamilies out = new ExpositionFamilies();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                out.families.put(parts[2], new Family(parts[2], parts[3], new TreeSet<>(), new ArrayList<>()));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
                String labels = brace >= 0 ? line.substring(brace + 1, line.lastIndexOf('}')) : "";
                out.samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                Family f = out.familyOf(name);
                if (f == null) {
                    continue;
                }
                String le = null;
                for (String pair : labels.isEmpty() ? new String[0] : labels.split("\",")) {
                    String key = pair.substring(0, pair.indexOf('='));
                    f.labelNames().add(key);
                    if (key.equals("le")) {
                        le = pair.substring(pair.indexOf('"') + 1).replace("\"", "");
                    }
                }
                // Bucket bounds of the first series only (all series of a family share them).
                if (le != null && !f.bucketBounds().contains(le)) {
                    f.bucketBounds().add(le);
                }
            }
        }
        return out;
    }

    private Family familyOf(String sampleName) {
        Family f = families.get(sampleName);
        if (f != null) {
            return f;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (sampleName.endsWith(suffix)) {
                Family h = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (h != null && h.type().equals("histogram")) {
                    return h;
                }
            }
        }
        return null;
    }
}
