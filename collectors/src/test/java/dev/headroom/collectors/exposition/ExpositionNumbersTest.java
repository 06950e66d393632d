package dev.headroom.collectors.exposition;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every number, on the exact fast path or the long-mantissa path, must round exactly as the JDK does: the
 * parser's speed must not cost a last-bit difference.
 */
class ExpositionNumbersTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "0.12277722358703613", "1.3798051715085968e-05", "9.999999999999999e+22", "1.7976931348623157e308",
        "4.9e-324", "2.2250738585072014E-308", "123456789012345678901234567890", "0.1000000000000000055511151231257827",
        "1e-400", "1e400", "-0.0", "00000.5", "8.969000", "1.15891634176e+011", "1e+05", "3"})
    void matchesTheJdkBitForBit(String text) {
        double expected = Double.parseDouble(text);
        assertThat(ExpositionNumbers.parseDouble(text)).isEqualTo(expected);
        byte[] bytes = ("x " + text + " y").getBytes(StandardCharsets.US_ASCII);
        assertThat(Double.doubleToRawLongBits(ExpositionNumbers.parse(bytes, 2, text.length())))
                .isEqualTo(Double.doubleToRawLongBits(expected));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42})
    void randomDoublesPrintedInFullRoundTrip(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            String text = Double.toString(d);
            assertThat(ExpositionNumbers.parseDouble(text)).as(text).isEqualTo(d);
        }
    }
}
