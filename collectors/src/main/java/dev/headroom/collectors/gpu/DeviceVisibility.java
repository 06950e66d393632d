package dev.headroom.collectors.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which GPUs this pod may report, from {@code NVIDIA_VISIBLE_DEVICES} and {@code CUDA_VISIBLE_DEVICES}.
 *
 * <p>Each variable, when set, is one of: {@code all} (every device); {@code none}, {@code void} or empty (no
 * device); or a comma list whose entries are device indices ({@code 0}) or UUIDs ({@code GPU-8f3c…},
 * {@code MIG-…}), where a UUID entry may be any prefix of the device's UUID, as CUDA allows. As in CUDA, the list
 * ends at the first entry that is neither (so {@code 0,-1,1} means device 0 only). When both variables are set a
 * device must pass both; an unset variable restricts nothing.
 *
 * <p>Indices are compared with the index the source gives (NVML's enumeration as this process sees it, the DCGM
 * exporter's {@code gpu} label). Inside a container the runtime has usually applied {@code NVIDIA_VISIBLE_DEVICES}
 * already and NVML numbers the remaining devices from 0, so UUIDs (what the Kubernetes device plugin sets) are the
 * reliable form. A device whose UUID is not known passes a rule only through its index.
 */
public final class DeviceVisibility {

    public static final String NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";
    public static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";

    /** No restriction. */
    public static final DeviceVisibility ALL = new DeviceVisibility(List.of());

    private final List<Rule> rules;

    private DeviceVisibility(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules set by the two variables in {@code env} (pass {@code System.getenv()} in production). */
    public static DeviceVisibility fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        List<Rule> rules = new ArrayList<>(2);
        for (String variable : List.of(NVIDIA_VISIBLE_DEVICES, CUDA_VISIBLE_DEVICES)) {
            String value = env.get(variable);
            if (value != null) {
                rules.add(Rule.parse(variable, value));
            }
        }
        return rules.isEmpty() ? ALL : new DeviceVisibility(rules);
    }

    /** One rule from a value in the variables' syntax, e.g. from configuration naming the engine's GPUs. */
    public static DeviceVisibility parse(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return new DeviceVisibility(List.of(Rule.parse(name, value)));
    }

    /** A device must pass both this and {@code other}: e.g. the sidecar's environment and the engine's own list. */
    public DeviceVisibility and(DeviceVisibility other) {
        Objects.requireNonNull(other, "other");
        List<Rule> both = new ArrayList<>(rules);
        both.addAll(other.rules);
        return both.isEmpty() ? ALL : new DeviceVisibility(both);
    }

    /** Whether the device may be reported; {@code uuid} is empty when unknown. */
    public boolean allows(int index, String uuid) {
        for (Rule r : rules) {
            if (!r.allows(index, uuid)) {
                return false;
            }
        }
        return true;
    }

    public boolean restrictsNothing() {
        for (Rule r : rules) {
            if (!r.all) {
                return false;
            }
        }
        return true;
    }

    /** e.g. {@code NVIDIA_VISIBLE_DEVICES=GPU-8f3c,1}, or {@code all} when nothing restricts. */
    public String describe() {
        if (rules.isEmpty()) {
            return "all";
        }
        StringBuilder sb = new StringBuilder();
        for (Rule r : rules) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(r.variable).append('=').append(r.raw);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    private record Rule(String variable, String raw, boolean all, List<Integer> indices, List<String> uuidPrefixes) {

        static Rule parse(String variable, String raw) {
            String value = raw.trim();
            String lower = value.toLowerCase(Locale.ROOT);
            if (lower.equals("all")) {
                return new Rule(variable, raw, true, List.of(), List.of());
            }
            List<Integer> indices = new ArrayList<>();
            List<String> uuids = new ArrayList<>();
            if (!lower.isEmpty() && !lower.equals("none") && !lower.equals("void")) {
                int start = 0;
                while (start <= value.length()) {
                    int comma = value.indexOf(',', start);
                    int end = comma < 0 ? value.length() : comma;
                    String entry = value.substring(start, end).trim();
                    if (!entry.isEmpty()) {
                        if (isIndex(entry)) {
                            indices.add(Integer.parseInt(entry));
                        } else if (entry.startsWith("GPU-") || entry.startsWith("MIG-")) {
                            uuids.add(entry);
                        } else {
                            break; // CUDA ignores the rest of the list after an invalid entry
                        }
                    }
                    if (comma < 0) {
                        break;
                    }
                    start = comma + 1;
                }
            }
            return new Rule(variable, raw, false, List.copyOf(indices), List.copyOf(uuids));
        }

        private static boolean isIndex(String s) {
            if (s.length() > 9) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }

        boolean allows(int index, String uuid) {
            if (all) {
                return true;
            }
            if (index >= 0 && indices.contains(index)) {
                return true;
            }
            if (!uuid.isEmpty()) {
                for (String prefix : uuidPrefixes) {
                    if (uuid.startsWith(prefix)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
