package dev.headroom.collectors.gpu;

import java.util.Objects;
import java.util.Optional;

/**
 * Which GPUs a probe may report at one poll: known (a {@link DeviceVisibility}), or not known yet, with why.
 *
 * @param visibility the devices, when known
 * @param reason     a one-line message when not known; empty when known
 */
public record DeviceScope(Optional<DeviceVisibility> visibility, String reason) {

    /** Every device: the scope of a probe that is given no device list. */
    public static final DeviceScope ALL = known(DeviceVisibility.ALL);

    public DeviceScope {
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(reason, "reason");
        if (visibility.isEmpty() == reason.isEmpty()) {
            throw new IllegalArgumentException("a scope is either known or has a reason why not");
        }
    }

    public static DeviceScope known(DeviceVisibility visibility) {
        return new DeviceScope(Optional.of(visibility), "");
    }

    public static DeviceScope unknown(String reason) {
        return new DeviceScope(Optional.empty(), reason);
    }

    public boolean isKnown() {
        return visibility.isPresent();
    }
}
