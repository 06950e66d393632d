package dev.headroom.simulator;

import java.util.SplittableRandom;

/** Token lengths drawn uniformly from {@code [min, max]}, both inclusive. */
public record LengthRange(int min, int max) {

    public LengthRange {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("LengthRange needs 1 <= min <= max, was [" + min + ", " + max + "]");
        }
    }

    public static LengthRange fixed(int tokens) {
        return new LengthRange(tokens, tokens);
    }

    public int draw(SplittableRandom random) {
        return min == max ? min : random.nextInt(min, max + 1);
    }
}
