package dev.headroom.evaluation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Numbers#plain}: settings written as a person would type them back. */
class NumbersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2, 2",
            "99, 99",
            "0.1, 0.10",
            "2.5, 2.50",
            "0.05, 0.05",
            // Two decimals would lose these: an objective of 0.0001 s read "0.00".
            "0.0001, 0.0001",
            "0.125, 0.125",
            "0.0333333, 0.03333",
            "99.95, 99.95",
    })
    void aSettingIsWrittenWithTheDigitsItNeeds(double value, String written) {
        assertThat(Numbers.plain(value)).isEqualTo(written);
    }
}
