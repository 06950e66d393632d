package dev.headroom.collectors.engine;

import java.util.List;

/** A dialect's configuration is wrong; {@link #errors()} lists every bad key, each with what was expected. */
public final class InvalidDialectConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;

    public InvalidDialectConfigException(String dialect, List<String> errors) {
        super("invalid '" + dialect + "' dialect configuration (" + errors.size() + (errors.size() == 1 ? " error" : " errors")
                + "): " + String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
