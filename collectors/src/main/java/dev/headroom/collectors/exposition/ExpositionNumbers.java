package dev.headroom.collectors.exposition;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

import java.nio.charset.StandardCharsets;

/**
 * Reads exposition numbers ({@code 1}, {@code 1.0}, {@code 1e+05}, {@code 0001.2e-1}, {@code NaN}, {@code +Inf},
 * {@code -inf}) straight from bytes or a string, without a substring.
 *
 * <p>Most values in engine payloads have at most 15 significant digits and a small exponent; for those the
 * exact fast path (Clinger) gives the correctly rounded double with one multiplication or division. Longer
 * mantissas (a Python float printed in full has 17 digits) go to FastDoubleParser's Eisel–Lemire path, also
 * correctly rounded and read from the bytes in place; the syntax has already been checked.
 */
public final class ExpositionNumbers {

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    private static final long MAX_EXACT = 1L << 53;

    private ExpositionNumbers() {
    }

    /** Parses {@code s}; throws {@link NumberFormatException} when it is not an exposition number. */
    public static double parseDouble(String s) {
        double v = parse(null, s, 0, s.length());
        if (Double.isNaN(v) && !isNaNToken(s)) {
            throw new NumberFormatException("not an exposition number: '" + s + "'");
        }
        return v;
    }

    /** Parses bytes {@code [off, off+len)}; returns {@link Double#NaN} with {@link #isNaNToken} false when invalid. */
    static double parse(byte[] buf, int off, int len) {
        return parse(buf, null, off, len);
    }

    private static int at(byte[] buf, String s, int i) {
        return buf != null ? buf[i] & 0xff : s.charAt(i);
    }

    static boolean isNaNToken(String s) {
        return s.equalsIgnoreCase("nan");
    }

    static boolean isNaNToken(byte[] b, int off, int len) {
        return len == 3 && (b[off] | 0x20) == 'n' && (b[off + 1] | 0x20) == 'a' && (b[off + 2] | 0x20) == 'n';
    }

    /** The core, over either a byte array or a string. Invalid input yields NaN (callers tell it from "NaN"). */
    private static double parse(byte[] buf, String s, int off, int len) {
        int i = off;
        int end = off + len;
        if (len == 0) {
            return Double.NaN;
        }
        boolean negative = false;
        int c = at(buf, s, i);
        if (c == '+' || c == '-') {
            negative = c == '-';
            i++;
            if (i == end) {
                return Double.NaN;
            }
            c = at(buf, s, i);
        }
        if (c == 'i' || c == 'I' || c == 'n' || c == 'N') {
            int rest = end - i;
            if (matchesIgnoreCase(buf, s, i, rest, "inf") || matchesIgnoreCase(buf, s, i, rest, "infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return Double.NaN; // "nan" (signed or not) and garbage alike; the caller tells them apart
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean sawDigit = false;
        boolean inexact = false;
        while (i < end && (c = at(buf, s, i)) >= '0' && c <= '9') {
            sawDigit = true;
            if (mantissa == 0 && c == '0') {
                i++;
                continue; // leading zeros carry no precision
            }
            if (digits < 18) {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
            } else {
                exponent++;
                inexact |= c != '0';
            }
            i++;
        }
        if (i < end && at(buf, s, i) == '.') {
            i++;
            while (i < end && (c = at(buf, s, i)) >= '0' && c <= '9') {
                sawDigit = true;
                if (mantissa == 0 && c == '0') {
                    exponent--;
                } else if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                    exponent--;
                } else {
                    inexact |= c != '0';
                }
                i++;
            }
        }
        if (!sawDigit) {
            return Double.NaN;
        }
        if (i < end && ((c = at(buf, s, i)) == 'e' || c == 'E')) {
            i++;
            boolean expNegative = false;
            if (i < end && ((c = at(buf, s, i)) == '+' || c == '-')) {
                expNegative = c == '-';
                i++;
            }
            int e = 0;
            boolean sawExpDigit = false;
            while (i < end && (c = at(buf, s, i)) >= '0' && c <= '9') {
                sawExpDigit = true;
                if (e < 100_000) {
                    e = e * 10 + (c - '0');
                }
                i++;
            }
            if (!sawExpDigit) {
                return Double.NaN;
            }
            exponent += expNegative ? -e : e;
        }
        if (i != end) {
            return Double.NaN;
        }
        double value;
        if (mantissa == 0) {
            value = 0.0;
        } else if (!inexact && mantissa < MAX_EXACT && exponent >= -22 && exponent <= 22) {
            value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
        } else {
            // Too many digits or too large an exponent for the exact fast path: Eisel–Lemire (FastDoubleParser)
            // rounds correctly straight from the bytes, so a long mantissa costs no String.
            return buf != null ? JavaDoubleParser.parseDouble(buf, off, len) : JavaDoubleParser.parseDouble(s, off, len);
        }
        return negative ? -value : value;
    }

    private static boolean matchesIgnoreCase(byte[] buf, String s, int i, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if ((at(buf, s, i + k) | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
