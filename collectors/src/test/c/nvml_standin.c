/*
 * A stand-in for libnvidia-ml.so: the NVML entry points the GPU probe calls, with NVML's symbol names,
 * calling convention and struct layouts, serving canned values and scripted failures. The tests compile it
 * with gcc and load it through JNA exactly as they would load the real library, so the Java mappings, struct
 * offsets, unsigned reads and units are checked through a real native call.
 *
 * The script is set per test through the exported standin_* functions (JNA loads a library once per path in
 * a JVM, so one library is switched between scenarios rather than loaded again).
 *
 * Build flags: -DSTANDIN_OMIT_POWER leaves out nvmlDeviceGetPowerUsage, -DSTANDIN_OMIT_INIT leaves out
 * nvmlInit_v2, to check how the probe treats a library that lacks a function.
 */
#include <stdio.h>
#include <string.h>

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NO_PERMISSION 4
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_ERROR_GPU_IS_LOST 15
#define NVML_ERROR_UNKNOWN 999

#define MAX_DEVICES 8

/* Layouts from nvml.h. */
typedef struct {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

struct standin_device {
    char name[96];
    char uuid[96];
    unsigned long long total, free, used;
    int memory_rc;
    unsigned int util_gpu, util_memory;
    int util_rc;
    unsigned int power_mw;
    int power_rc;
    unsigned int temp_c;
    int temp_rc;
    long lose_after; /* calls on this device's handle before it answers GPU_IS_LOST; -1 = never */
    long calls;
};

typedef struct standin_device *nvmlDevice_t;

static struct standin_device devices[MAX_DEVICES];
static unsigned int device_count;
static int init_rc;
static int count_rc;
static int initialised;
static long init_calls, shutdown_calls, total_calls;

static void default_device(unsigned int i) {
    struct standin_device *d = &devices[i];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "Stand-in GPU %u", i);
    snprintf(d->uuid, sizeof d->uuid, "GPU-5a7d0000-0000-4000-8000-00000000000%u", i);
    d->total = 85899345920ULL;            /* 80 GiB */
    d->used = 21474836480ULL + i;         /* 20 GiB + i bytes */
    d->free = d->total - d->used;
    d->util_gpu = 40 + i;
    d->util_memory = 20 + i;
    d->power_mw = 123456 + i;
    d->temp_c = 50 + i;
    d->lose_after = -1;
}

/* ---- control functions, called by the tests ---- */

/*
 * Static, so the library's own constructor never binds to another loaded copy's symbol (JNA opens libraries
 * RTLD_GLOBAL, and a second stand-in built with other flags exports the same names).
 */
static void reset(unsigned int count) {
    device_count = count > MAX_DEVICES ? MAX_DEVICES : count;
    for (unsigned int i = 0; i < MAX_DEVICES; i++) {
        default_device(i);
    }
    init_rc = NVML_SUCCESS;
    count_rc = NVML_SUCCESS;
    initialised = 0;
    init_calls = shutdown_calls = total_calls = 0;
}

void standin_reset(unsigned int count) { reset(count); }

void standin_set_init_result(int rc) { init_rc = rc; }
void standin_set_count_result(int rc) { count_rc = rc; }

void standin_set_identity(unsigned int i, const char *name, const char *uuid) {
    snprintf(devices[i].name, sizeof devices[i].name, "%s", name);
    snprintf(devices[i].uuid, sizeof devices[i].uuid, "%s", uuid);
}

void standin_set_memory(unsigned int i, unsigned long long total, unsigned long long free,
                        unsigned long long used, int rc) {
    devices[i].total = total;
    devices[i].free = free;
    devices[i].used = used;
    devices[i].memory_rc = rc;
}

void standin_set_utilization(unsigned int i, unsigned int gpu, unsigned int memory, int rc) {
    devices[i].util_gpu = gpu;
    devices[i].util_memory = memory;
    devices[i].util_rc = rc;
}

void standin_set_power(unsigned int i, unsigned int milliwatts, int rc) {
    devices[i].power_mw = milliwatts;
    devices[i].power_rc = rc;
}

void standin_set_temperature(unsigned int i, unsigned int celsius, int rc) {
    devices[i].temp_c = celsius;
    devices[i].temp_rc = rc;
}

void standin_lose_after(unsigned int i, long calls) {
    devices[i].lose_after = calls;
    devices[i].calls = 0;
}

long standin_init_calls(void) { return init_calls; }
long standin_shutdown_calls(void) { return shutdown_calls; }
long standin_total_calls(void) { return total_calls; }
int standin_initialised(void) { return initialised; }

/* ---- NVML ---- */

__attribute__((constructor)) static void standin_load(void) { reset(2); }

static int lost(struct standin_device *d) {
    return d->lose_after >= 0 && d->calls >= d->lose_after;
}

/* Every per-device call goes through here: counts the call and answers GPU_IS_LOST once the script says so. */
static int enter(nvmlDevice_t device) {
    total_calls++;
    if (!initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (device < devices || device >= devices + device_count) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (lost(device)) {
        return NVML_ERROR_GPU_IS_LOST;
    }
    device->calls++;
    return NVML_SUCCESS;
}

#ifndef STANDIN_OMIT_INIT
int nvmlInit_v2(void) {
    init_calls++;
    if (init_rc != NVML_SUCCESS) {
        return init_rc;
    }
    initialised++;
    return NVML_SUCCESS;
}
#endif

int nvmlShutdown(void) {
    shutdown_calls++;
    if (!initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    initialised--;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(int result) {
    switch (result) {
        case NVML_SUCCESS: return "Success";
        case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
        case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
        case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
        case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
        case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
        case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
        case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
        default: return "Unknown Error";
    }
}

int nvmlDeviceGetCount_v2(unsigned int *count) {
    total_calls++;
    if (!initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (count_rc != NVML_SUCCESS) {
        return count_rc;
    }
    *count = device_count;
    return NVML_SUCCESS;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    total_calls++;
    if (!initialised) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (index >= device_count) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (lost(&devices[index])) {
        return NVML_ERROR_GPU_IS_LOST;
    }
    *device = &devices[index];
    return NVML_SUCCESS;
}

static int copy_string(const char *value, char *out, unsigned int length) {
    if (strlen(value) + 1 > length) {
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    strcpy(out, value);
    return NVML_SUCCESS;
}

int nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    int rc = enter(device);
    return rc != NVML_SUCCESS ? rc : copy_string(device->name, name, length);
}

int nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    int rc = enter(device);
    return rc != NVML_SUCCESS ? rc : copy_string(device->uuid, uuid, length);
}

int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    int rc = enter(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->memory_rc != NVML_SUCCESS) {
        return device->memory_rc;
    }
    memory->total = device->total;
    memory->free = device->free;
    memory->used = device->used;
    return NVML_SUCCESS;
}

int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    int rc = enter(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->util_rc != NVML_SUCCESS) {
        return device->util_rc;
    }
    utilization->gpu = device->util_gpu;
    utilization->memory = device->util_memory;
    return NVML_SUCCESS;
}

#ifndef STANDIN_OMIT_POWER
int nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *milliwatts) {
    int rc = enter(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->power_rc != NVML_SUCCESS) {
        return device->power_rc;
    }
    *milliwatts = device->power_mw;
    return NVML_SUCCESS;
}
#endif

/* sensorType 0 is NVML_TEMPERATURE_GPU, the only sensor NVML defines. */
int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, unsigned int *celsius) {
    int rc = enter(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (sensorType != 0) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (device->temp_rc != NVML_SUCCESS) {
        return device->temp_rc;
    }
    *celsius = device->temp_c;
    return NVML_SUCCESS;
}
