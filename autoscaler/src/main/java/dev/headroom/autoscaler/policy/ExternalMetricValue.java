package dev.headroom.autoscaler.policy;

/**
 * The value to serve on {@code external.metrics.k8s.io} so that an HPA with an {@code AverageValue} target
 * arrives at a given replica count.
 *
 * <p>The HPA sums every item returned for the metric ({@code U}, in milli-units) and, for an
 * {@code AverageValue} target {@code T} per pod, runs {@code GetExternalPerPodMetricReplicas}
 * ({@code replica_calculator.go}): with {@code S} the target's current replicas, the ratio
 * {@code U / (T × S)} inside the tolerance keeps {@code S}; outside, the count is {@code ceil(U / T)}.
 * Headroom serves one item per workload. To arrive at {@code D}:
 * <ul>
 *   <li>{@code D = S}: serve {@code S × T} (ratio exactly 1);</li>
 *   <li>{@code D > S}: serve {@code D × T}, the largest value that rounds up to {@code D}, which moves the
 *       ratio furthest above 1;</li>
 *   <li>{@code D < S}: serve {@code (D − 1) × T + 1m}, the smallest value that rounds up to {@code D}, which
 *       moves the ratio furthest below 1 ({@code 0} when {@code D = 0}).</li>
 * </ul>
 * The HPA's own tolerance still applies: when {@code D/S} is so close to 1 that even these values stay within
 * it (for instance 20 → 21 at the default 0.1), the HPA keeps {@code S} and {@link #reproducible()} is
 * false. A tolerance of 0 on the HPA ({@code behavior.scaleUp/scaleDown.tolerance}, Kubernetes 1.33+) makes
 * every decision reproducible.
 *
 * @param milliValue   the value in milli-units ({@code 1250} = 1.25)
 * @param reproducible whether the HPA's arithmetic turns it into the requested replica count
 */
public record ExternalMetricValue(long milliValue, boolean reproducible) {

    public ExternalMetricValue {
        if (milliValue < 0) {
            throw new IllegalArgumentException("an external metric value cannot be negative, got " + milliValue + "m");
        }
    }

    /**
     * The value for an {@code AverageValue} target.
     *
     * @param desiredReplicas    the count the HPA should arrive at
     * @param hpaCurrentReplicas the target's current replicas as the HPA reads them ({@code status.replicas})
     * @param targetMilliPerPod  the HPA's {@code averageValue} in milli-units, positive
     * @param scaleUpTolerance   the HPA's scale-up tolerance (0.1 by default)
     * @param scaleDownTolerance the HPA's scale-down tolerance (0.1 by default)
     */
    public static ExternalMetricValue forAverageValueTarget(int desiredReplicas, int hpaCurrentReplicas,
                                                            long targetMilliPerPod, double scaleUpTolerance,
                                                            double scaleDownTolerance) {
        if (desiredReplicas < 0 || hpaCurrentReplicas < 0) {
            throw new IllegalArgumentException("replica counts cannot be negative: desired " + desiredReplicas
                    + ", current " + hpaCurrentReplicas);
        }
        if (targetMilliPerPod <= 0) {
            throw new IllegalArgumentException("the AverageValue target must be positive, got " + targetMilliPerPod
                    + "m");
        }
        long value;
        if (desiredReplicas >= hpaCurrentReplicas) {
            value = Math.multiplyExact((long) desiredReplicas, targetMilliPerPod);
        } else if (desiredReplicas == 0) {
            value = 0;
        } else {
            value = Math.multiplyExact((long) desiredReplicas - 1, targetMilliPerPod) + 1;
        }
        int reached = hpaReplicas(value, hpaCurrentReplicas, targetMilliPerPod, scaleUpTolerance, scaleDownTolerance);
        return new ExternalMetricValue(value, reached == desiredReplicas);
    }

    /**
     * The replicas an HPA computes from a summed external metric {@code usageMilli} with an {@code AverageValue}
     * target, before its behaviour: {@code GetExternalPerPodMetricReplicas}, float64 arithmetic as in Go.
     */
    public static int hpaReplicas(long usageMilli, int statusReplicas, long targetMilliPerPod, double scaleUpTolerance,
                                  double scaleDownTolerance) {
        double usageRatio = (double) usageMilli / ((double) targetMilliPerPod * (double) statusReplicas);
        boolean within = (1.0 - scaleDownTolerance) <= usageRatio && usageRatio <= (1.0 + scaleUpTolerance);
        if (within) {
            return statusReplicas;
        }
        return ReplicaCalculator.ceilReplicas((double) usageMilli / (double) targetMilliPerPod);
    }

    /** The Kubernetes quantity string: {@code "5"} for whole numbers, else milli-units such as {@code "1250m"}. */
    public String quantity() {
        return milliValue % 1000 == 0 ? Long.toString(milliValue / 1000) : milliValue + "m";
    }
}
