package dev.headroom.collectors.gpu;

/** The {@code nvmlReturn_t} codes the probe acts on (from {@code nvml.h}). */
final class NvmlReturn {

    static final int SUCCESS = 0;
    static final int UNINITIALIZED = 1;
    static final int NOT_SUPPORTED = 3;
    static final int NO_PERMISSION = 4;
    static final int DRIVER_NOT_LOADED = 9;
    static final int LIBRARY_NOT_FOUND = 12;
    static final int FUNCTION_NOT_FOUND = 13;
    static final int GPU_IS_LOST = 15;

    private NvmlReturn() {
    }

    /** The probe state a failing init or device count maps to. */
    static ProbeState state(int code) {
        return switch (code) {
            case SUCCESS -> ProbeState.AVAILABLE;
            case NO_PERMISSION -> ProbeState.NO_PERMISSION;
            case DRIVER_NOT_LOADED -> ProbeState.DRIVER_NOT_LOADED;
            case LIBRARY_NOT_FOUND -> ProbeState.NO_LIBRARY;
            default -> ProbeState.FAILED;
        };
    }
}
