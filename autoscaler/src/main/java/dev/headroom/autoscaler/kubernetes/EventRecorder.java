package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records {@code v1} Events on a {@code HeadroomPolicy}. Best effort: an Event that cannot be written is
 * logged and the decision goes on (Kubernetes' own recorders drop events the same way).
 */
public final class EventRecorder {

    /** The Event's {@code source.component} and {@code reportingComponent}. */
    public static final String COMPONENT = "headroom-controller";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
    /** Kubernetes rejects longer messages. */
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final InstantSource clock;
    private final String instance;
    private final AtomicLong sequence = new AtomicLong();

    public EventRecorder(KubernetesClient client, InstantSource clock, String instance) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.instance = Objects.requireNonNull(instance, "instance");
    }

    /** Records one Event; returns it as written, or null when the API server refused it. */
    public Event record(HeadroomPolicy policy, ControllerEventReason reason, String message) {
        Instant now = clock.instant();
        String ns = policy.getMetadata().getNamespace();
        String name = policy.getMetadata().getName() + "." + Long.toHexString(now.toEpochMilli())
                + Long.toHexString(sequence.incrementAndGet());
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message;
        Event event = new EventBuilder()
                .withNewMetadata().withName(name.toLowerCase(Locale.ROOT)).withNamespace(ns).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(HeadroomPolicy.GROUP + "/" + HeadroomPolicy.VERSION)
                        .withKind("HeadroomPolicy").withNamespace(ns).withName(policy.getMetadata().getName())
                        .withUid(policy.getMetadata().getUid())
                        .withResourceVersion(policy.getMetadata().getResourceVersion()).build())
                .withReason(reason.value()).withType(reason.type()).withMessage(text)
                .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
                .withNewSource().withComponent(COMPONENT).withHost(instance).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(instance)
                .build();
        try {
            return client.v1().events().inNamespace(ns).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "could not record event " + reason.value() + " on HeadroomPolicy " + ns + "/"
                    + policy.getMetadata().getName() + ": " + e.getMessage());
            return null;
        }
    }
}
