package dev.headroom.collectors.gpu;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;

/**
 * The NVML entry points the probe calls, bound once through JNA's {@link Function} (no proxy interface: one
 * native call per invocation, and each library instance binds its own file, which the tests rely on).
 *
 * <p>Signatures and layouts (nvml.h): every function returns {@code nvmlReturn_t} (int); {@code nvmlMemory_t} is
 * three {@code unsigned long long} (total, free, used); {@code nvmlUtilization_t} is two {@code unsigned int}
 * (gpu, memory); {@code nvmlDevice_t} is an opaque pointer. The out-buffers are owned here and reused, so one
 * instance serves one thread at a time; {@link NvmlProbe} serialises its calls.
 */
final class NvmlLibrary {

    static final int TEXT_LENGTH = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE, ≥ NVML_DEVICE_UUID_V2_BUFFER_SIZE (96)
    static final int TEMPERATURE_GPU = 0; // NVML_TEMPERATURE_GPU

    final String file;
    private final Function init;
    private final Function shutdown;
    private final Function count;
    private final Function handleByIndex;
    private final Function errorString;
    final Function name;
    final Function uuid;
    private final Function memoryInfo;
    private final Function utilization;
    private final Function power;
    private final Function temperature;

    final Memory text = new Memory(TEXT_LENGTH);
    final Memory memory = new Memory(24);
    final Memory rates = new Memory(8);
    final Memory uint = new Memory(4);
    private final Memory handle = new Memory(Native.POINTER_SIZE);

    /** A required entry point is missing. */
    static final class MissingFunction extends Exception {
        MissingFunction(String function) {
            super(function, null, false, false);
        }
    }

    private NvmlLibrary(NativeLibrary lib) throws MissingFunction {
        File f = lib.getFile();
        this.file = f != null ? f.getPath() : lib.getName();
        this.init = required(lib, "nvmlInit_v2");
        this.shutdown = required(lib, "nvmlShutdown");
        this.count = required(lib, "nvmlDeviceGetCount_v2");
        this.handleByIndex = required(lib, "nvmlDeviceGetHandleByIndex_v2");
        this.errorString = optional(lib, "nvmlErrorString");
        this.name = optional(lib, "nvmlDeviceGetName");
        this.uuid = optional(lib, "nvmlDeviceGetUUID");
        this.memoryInfo = optional(lib, "nvmlDeviceGetMemoryInfo");
        this.utilization = optional(lib, "nvmlDeviceGetUtilizationRates");
        this.power = optional(lib, "nvmlDeviceGetPowerUsage");
        this.temperature = optional(lib, "nvmlDeviceGetTemperature");
    }

    /**
     * @throws UnsatisfiedLinkError when the loader cannot open the library
     * @throws MissingFunction      when it opens but lacks a function the probe cannot do without
     */
    static NvmlLibrary load(String nameOrPath) throws MissingFunction {
        return new NvmlLibrary(NativeLibrary.getInstance(nameOrPath));
    }

    private static Function required(NativeLibrary lib, String function) throws MissingFunction {
        try {
            return lib.getFunction(function);
        } catch (UnsatisfiedLinkError e) {
            throw new MissingFunction(function);
        }
    }

    private static Function optional(NativeLibrary lib, String function) {
        try {
            return lib.getFunction(function);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    int init() {
        return init.invokeInt(new Object[0]);
    }

    int shutdown() {
        return shutdown.invokeInt(new Object[0]);
    }

    /** Into {@link #uint}. */
    int count() {
        return count.invokeInt(new Object[] {uint});
    }

    long countValue() {
        return Integer.toUnsignedLong(uint.getInt(0));
    }

    /** The handle, or null with the code in {@code rc[0]}. */
    Pointer handle(int index, int[] rc) {
        rc[0] = handleByIndex.invokeInt(new Object[] {index, handle});
        return rc[0] == NvmlReturn.SUCCESS ? handle.getPointer(0) : null;
    }

    /** Calls a {@code (device, char*, unsigned int length)} function into {@link #text}. */
    int text(Function f, Pointer device) {
        text.clear();
        return f.invokeInt(new Object[] {device, text, TEXT_LENGTH});
    }

    String textValue() {
        text.setByte(TEXT_LENGTH - 1, (byte) 0); // never read past the buffer, whatever the library wrote
        return text.getString(0, "UTF-8");
    }

    // The field reads below answer NOT_SUPPORTED when the library lacks the function: to a caller the field is
    // simply not there, as it is on a device that does not support it.

    /** Into {@link #memory}. */
    int memoryInfo(Pointer device) {
        return memoryInfo == null ? NvmlReturn.NOT_SUPPORTED : memoryInfo.invokeInt(new Object[] {device, memory});
    }

    /** Into {@link #rates}. */
    int utilization(Pointer device) {
        return utilization == null ? NvmlReturn.NOT_SUPPORTED : utilization.invokeInt(new Object[] {device, rates});
    }

    /** Milliwatts into {@link #uint}. */
    int power(Pointer device) {
        return power == null ? NvmlReturn.NOT_SUPPORTED : power.invokeInt(new Object[] {device, uint});
    }

    /** Degrees Celsius into {@link #uint}. */
    int temperature(Pointer device) {
        return temperature == null ? NvmlReturn.NOT_SUPPORTED
                : temperature.invokeInt(new Object[] {device, TEMPERATURE_GPU, uint});
    }

    /** NVML's text for a code and the code itself, e.g. {@code Driver Not Loaded (NVML error 9)}. */
    String describe(int code) {
        String text = null;
        if (errorString != null) {
            Pointer p = errorString.invokePointer(new Object[] {code});
            text = p == null ? null : p.getString(0, "UTF-8");
        }
        return (text == null || text.isBlank() ? "error" : text) + " (NVML error " + code + ")";
    }

    /** An unsigned 64-bit value as a double, correctly rounded (a plain cast would read 2^63 and above as negative). */
    static double unsigned64(long bits) {
        if (bits >= 0) {
            return bits;
        }
        // Halve with the lost bit kept sticky, so the conversion rounds as it would for the full value.
        return ((bits >>> 1) | (bits & 1)) * 2.0;
    }
}
