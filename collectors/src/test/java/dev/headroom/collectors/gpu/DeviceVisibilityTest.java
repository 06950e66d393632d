package dev.headroom.collectors.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DeviceVisibilityTest {

    private static final String A = "GPU-8f3c1a2b-0000-4000-8000-00000000000a";
    private static final String B = "GPU-8f3c1a2b-0000-4000-8000-00000000000b";

    /** Which of devices 0 (A), 1 (B) and 2 (UUID unknown) each value lets through, in either variable. */
    @ParameterizedTest(name = "{0}=''{1}'' -> {2}")
    @CsvSource(delimiter = '|', nullValues = "UNSET", value = {
        "NVIDIA_VISIBLE_DEVICES | UNSET                                 | 012",
        "NVIDIA_VISIBLE_DEVICES | all                                   | 012",
        "CUDA_VISIBLE_DEVICES   | ALL                                   | 012",
        "NVIDIA_VISIBLE_DEVICES | none                                  | -",
        "NVIDIA_VISIBLE_DEVICES | void                                  | -",
        "CUDA_VISIBLE_DEVICES   | ''                                    | -",
        "CUDA_VISIBLE_DEVICES   | '  '                                  | -",
        "NVIDIA_VISIBLE_DEVICES | 1                                     | 1",
        "CUDA_VISIBLE_DEVICES   | '2, 0'                                | 02",
        "NVIDIA_VISIBLE_DEVICES | GPU-8f3c1a2b-0000-4000-8000-00000000000b | 1",
        "CUDA_VISIBLE_DEVICES   | GPU-8f3c1a2b                          | 01",
        "CUDA_VISIBLE_DEVICES   | 'GPU-8f3c1a2b-0000-4000-8000-00000000000a,2' | 02",
        "CUDA_VISIBLE_DEVICES   | '0,-1,1'                              | 0",
        "CUDA_VISIBLE_DEVICES   | '-1'                                  | -",
        "CUDA_VISIBLE_DEVICES   | ',,1,'                                | 1",
        "NVIDIA_VISIBLE_DEVICES | GPU-ffff                              | -",
        "NVIDIA_VISIBLE_DEVICES | MIG-8f3c                              | -",
    })
    void oneVariable(String variable, String value, String expected) {
        Map<String, String> env = new HashMap<>();
        if (value != null) {
            env.put(variable, value);
        }
        DeviceVisibility v = DeviceVisibility.fromEnvironment(env);

        StringBuilder allowed = new StringBuilder();
        if (v.allows(0, A)) {
            allowed.append('0');
        }
        if (v.allows(1, B)) {
            allowed.append('1');
        }
        if (v.allows(2, "")) {
            allowed.append('2');
        }
        assertThat(allowed.length() == 0 ? "-" : allowed.toString()).isEqualTo(expected);
    }

    @Test
    void bothVariablesMustAllowADevice() {
        DeviceVisibility v = DeviceVisibility.fromEnvironment(Map.of(
                "NVIDIA_VISIBLE_DEVICES", A + "," + B,
                "CUDA_VISIBLE_DEVICES", "1,2"));

        assertThat(v.allows(0, A)).isFalse();
        assertThat(v.allows(1, B)).isTrue();
        assertThat(v.allows(2, "")).isFalse();
        assertThat(v.restrictsNothing()).isFalse();
        assertThat(v.describe()).isEqualTo("NVIDIA_VISIBLE_DEVICES=" + A + "," + B + " CUDA_VISIBLE_DEVICES=1,2");
    }

    @Test
    void otherVariablesAreIgnored() {
        DeviceVisibility v = DeviceVisibility.fromEnvironment(Map.of("HIP_VISIBLE_DEVICES", "3", "PATH", "/bin"));

        assertThat(v).isSameAs(DeviceVisibility.ALL);
        assertThat(v.restrictsNothing()).isTrue();
        assertThat(v.describe()).isEqualTo("all");
        assertThat(DeviceVisibility.fromEnvironment(Map.of("NVIDIA_VISIBLE_DEVICES", "all")).restrictsNothing())
                .isTrue();
    }

    @Test
    void aRuleCanComeFromConfiguration() {
        DeviceVisibility v = DeviceVisibility.parse("headroom.gpu.devices", B);

        assertThat(v.allows(1, B)).isTrue();
        assertThat(v.allows(0, A)).isFalse();
        assertThat(v.describe()).isEqualTo("headroom.gpu.devices=" + B);
    }

    @Test
    void andAllowsOnlyWhatBothAllow() {
        DeviceVisibility sidecar = DeviceVisibility.fromEnvironment(Map.of("NVIDIA_VISIBLE_DEVICES", "all"));
        DeviceVisibility engine = DeviceVisibility.parse("/headroom/gpus", B);

        DeviceVisibility both = sidecar.and(engine);

        assertThat(both.allows(0, A)).isFalse();
        assertThat(both.allows(1, B)).isTrue();
        assertThat(both.restrictsNothing()).isFalse();
        assertThat(both.describe()).isEqualTo("NVIDIA_VISIBLE_DEVICES=all /headroom/gpus=" + B);
        assertThat(DeviceVisibility.ALL.and(DeviceVisibility.ALL)).isSameAs(DeviceVisibility.ALL);
    }
}
