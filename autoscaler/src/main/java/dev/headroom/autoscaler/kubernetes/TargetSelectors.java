package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleTarget;

import java.util.Optional;

/**
 * Which pods a scale target runs, for a policy that names no {@code spec.selector}: read from the target as the HPA
 * reads it, so that the policy need not repeat what the Deployment already says.
 */
interface TargetSelectors {

    /**
     * The label selector of {@code target}'s pods, serialized ({@code app=engine,tier in (a,b)}); empty when the
     * target has none (an empty selector would select every pod in the namespace, so none is used).
     *
     * @throws ScaleException the target's scale could not be read
     */
    Optional<String> selectorOf(ScaleTarget target) throws ScaleException;
}
