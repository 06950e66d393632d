package dev.headroom.collectors.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The engine container's own GPUs, from a file the engine writes when it starts (its {@code NVIDIA_VISIBLE_DEVICES},
 * which the device plugin sets to the GPUs it assigned), read by the sidecar through a shared {@code emptyDir}.
 *
 * <p>Why a file: the sidecar asks for no GPU, and the device plugin picks the engine's GPUs only when the pod starts,
 * so neither the manifest nor the sidecar's environment can name them. The engine's command writes them first:
 * {@code echo "$NVIDIA_VISIBLE_DEVICES" > /headroom/gpus; exec …}.
 *
 * <p>The file holds {@code all}, {@code none}, or device indices and/or UUIDs ({@code GPU-…}, {@code MIG-…})
 * separated by commas, spaces or new lines (so {@code nvidia-smi --query-gpu=uuid --format=csv,noheader} output works
 * too). Unlike {@link DeviceVisibility}'s CUDA syntax, which silently ends the list at a bad entry, every entry must
 * be valid: a file that names something else is reported, naming the file and the value, rather than read in part.
 *
 * <p>The file is read at every poll (a few bytes, once a second): it appears some time after the sidecar starts, and
 * an engine that restarts in place writes it again.
 */
public record EngineDeviceFile(Path file) implements Supplier<DeviceScope> {

    private static final int MAX_BYTES = 64 * 1024;

    public EngineDeviceFile {
        Objects.requireNonNull(file, "file");
    }

    /** The engine's devices as the file says now, or why they are not known. Never throws. */
    @Override
    public DeviceScope get() {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                return DeviceScope.unknown("GPU device list " + file + " is larger than " + MAX_BYTES
                        + " bytes: not a device list; GPU readings wait for it");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return DeviceScope.unknown("GPU device list " + file + " not written yet (the engine writes it when it"
                    + " starts); GPU readings wait for it");
        } catch (IOException | RuntimeException e) {
            return DeviceScope.unknown("GPU device list " + file + " cannot be read (" + e + "); GPU readings wait"
                    + " for it");
        }
        return parse(text);
    }

    /** The scope the file's content gives. */
    DeviceScope parse(String text) {
        String value = text.strip();
        if (value.isEmpty()) {
            // Also the moment between the shell's truncation of the file and its write.
            return DeviceScope.unknown("GPU device list " + file + " is empty (not written yet, or the engine has no"
                    + " NVIDIA_VISIBLE_DEVICES); GPU readings wait for it");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("all") || lower.equals("none")) {
            return DeviceScope.known(DeviceVisibility.parse(file.toString(), lower));
        }
        if (lower.equals("void")) {
            return malformed(value, "'void' means the container runtime injected the GPUs another way (CDI), so"
                    + " NVIDIA_VISIBLE_DEVICES does not list them; write the output of"
                    + " 'nvidia-smi --query-gpu=uuid --format=csv,noheader' instead");
        }
        if (value.startsWith("/")) {
            return malformed(value, "a path means the device plugin passes the list as volume mounts; write the"
                    + " output of 'nvidia-smi --query-gpu=uuid --format=csv,noheader' instead");
        }
        List<String> entries = new ArrayList<>();
        for (String entry : value.split("[,\\s]+")) {
            if (!isIndex(entry) && !entry.startsWith("GPU-") && !entry.startsWith("MIG-")) {
                return malformed(value, "'" + entry + "' is neither a device index nor a UUID (GPU-…, MIG-…)");
            }
            entries.add(entry);
        }
        return DeviceScope.known(DeviceVisibility.parse(file.toString(), String.join(",", entries)));
    }

    private DeviceScope malformed(String value, String why) {
        return DeviceScope.unknown("GPU device list " + file + " holds '" + abbreviate(value) + "', not a device list: "
                + why + "; GPU readings wait for a valid list");
    }

    private static boolean isIndex(String s) {
        return !s.isEmpty() && s.length() <= 9 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String abbreviate(String value) {
        String oneLine = value.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }
}
