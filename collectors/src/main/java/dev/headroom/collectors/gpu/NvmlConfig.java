package dev.headroom.collectors.gpu;

import java.util.List;
import java.util.Objects;

/**
 * Where to find NVML.
 *
 * @param library {@code nvidia-ml} (the default: the driver's {@code libnvidia-ml.so.1} on the loader's path,
 *                then whatever JNA maps the name to), another library name, or a path to the file
 *                (anything with a {@code /}), loaded as it is
 */
public record NvmlConfig(String library) {

    public static final String DEFAULT_LIBRARY = "nvidia-ml";

    /** The soname the NVIDIA driver installs; the unversioned {@code libnvidia-ml.so} comes only with dev packages. */
    static final String DRIVER_SONAME = "libnvidia-ml.so.1";

    public NvmlConfig {
        Objects.requireNonNull(library, "library");
        if (library.isBlank()) {
            throw new IllegalArgumentException("NVML library must be a name (e.g. " + DEFAULT_LIBRARY
                    + ") or a path to libnvidia-ml.so.1, got a blank value");
        }
        library = library.trim();
    }

    public static NvmlConfig defaults() {
        return new NvmlConfig(DEFAULT_LIBRARY);
    }

    public static NvmlConfig library(String nameOrPath) {
        return new NvmlConfig(nameOrPath);
    }

    public boolean isPath() {
        return library.indexOf('/') >= 0;
    }

    /** What to hand to the loader, in order. */
    List<String> candidates() {
        if (isPath()) {
            return List.of(library);
        }
        if (library.equals(DEFAULT_LIBRARY)) {
            return List.of(DRIVER_SONAME, DEFAULT_LIBRARY);
        }
        return List.of(library);
    }
}
