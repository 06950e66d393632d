package dev.headroom.evaluation;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the reports write a setting (an objective, a share): as a person would type it back. */
public final class Numbers {

    private Numbers() {
    }

    /**
     * A whole number without decimals; else two decimals where they carry the value to within half a percent, and
     * four significant digits where they do not (an ITL objective of 0.0001 s written as "0.00" would read as none).
     */
    public static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String twoDecimals = String.format(Locale.ROOT, "%.2f", v);
        if (Math.abs(Double.parseDouble(twoDecimals) - v) <= 0.005 * Math.abs(v)) {
            return twoDecimals;
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
