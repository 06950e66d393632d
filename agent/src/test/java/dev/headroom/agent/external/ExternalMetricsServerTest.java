package dev.headroom.agent.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ExternalMetricValue;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The external metrics API over real TLS: certificates made by keytool, the server on Vert.x, and the JDK's HTTP
 * client as the aggregator (HTTP/2 over ALPN, a client certificate, {@code X-Remote-User}).
 */
class ExternalMetricsServerTest {

    // Set once the certificates exist, to the second: the same clock checks their validity.
    static Instant DECIDED;
    private static final String VALUES = "/apis/external.metrics.k8s.io/v1beta1/namespaces/inference/";

    @TempDir
    static Path dir;

    static TestCertificates certs;
    static Vertx vertx;
    static ExternalMetricsServer server;
    static Decisions book = new Decisions();
    static int port;
    static HttpClient aggregator;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir);
        DECIDED = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        vertx = Vertx.vertx();
        server = new ExternalMetricsServer(vertx, book);
        InstantSource fiveSecondsLater = () -> DECIDED.plusSeconds(5);
        port = server.start(new ExternalMetricsSettings("127.0.0.1", 0, certs.serverCertPem, certs.serverKeyPem,
                certs.requestHeaderCaPem, List.of("front-proxy-client"), List.of("X-Remote-User"),
                List.of("X-Remote-Group"), Duration.ofSeconds(30)), fiveSecondsLater);
        aggregator = client(certs.clientContext(certs.aggregator));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void emptyBook() {
        book.clear();
    }

    @Test
    void theAggregatorGetsExactlyTheExternalMetricValueListThatReproducesTheDecision() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 2, 3,
                DecisionReason.SCALE_UP));

        HttpResponse<String> r = get(aggregator, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama",
                "system:serviceaccount:kube-system:horizontal-pod-autoscaler");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"kind\":\"ExternalMetricValueList\",\"apiVersion\":\"external.metrics.k8s.io/v1beta1\","
                + "\"metadata\":{},\"items\":[{\"metricName\":\"headroom_desired_replicas\",\"metricLabels\":{\"workload\":\"llama\"},"
                + "\"timestamp\":\"" + DECIDED + "\",\"window\":30,\"value\":\"3\"}]}");
        // The HPA's own arithmetic on that value (AverageValue 1, two replicas now) lands on Headroom's 3.
        assertThat(ExternalMetricValue.hpaReplicas(3000, 2, 1000, 0.1, 0.1)).isEqualTo(3);
    }

    @Test
    void aScaleDownIsServedInMilliUnitsAsTheSmallestValueThatRoundsUpToIt() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 10, 3,
                DecisionReason.SCALE_DOWN));

        JsonNode item = json(get(aggregator, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama",
                "hpa")).path("items").get(0);

        assertThat(item.path("value").asText()).isEqualTo("2001m");
        assertThat(ExternalMetricValue.hpaReplicas(2001, 10, 1000, 0.1, 0.1)).isEqualTo(3);
    }

    @Test
    void theRecommendedCountIsServedUnderItsOwnName() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 4, 6, 5,
                DecisionReason.LIMITED_BY_RATE));

        assertThat(json(get(aggregator, VALUES + "headroom_recommended_replicas?labelSelector=workload%3Dllama", "hpa"))
                .path("items").get(0).path("value").asText()).isEqualTo("6");
        assertThat(json(get(aggregator, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama", "hpa"))
                .path("items").get(0).path("value").asText()).isEqualTo("5");
    }

    @Test
    void discoveryListsTheGroupAndTheMetricsForTheAggregatorEvenWithoutAUser() throws Exception {
        HttpResponse<String> resources = get(aggregator, "/apis/external.metrics.k8s.io/v1beta1", null);
        assertThat(resources.statusCode()).isEqualTo(200);
        assertThat(resources.body()).isEqualTo("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
                + "\"groupVersion\":\"external.metrics.k8s.io/v1beta1\",\"resources\":["
                + "{\"name\":\"headroom_desired_replicas\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"kind\":\"ExternalMetricValueList\",\"verbs\":[\"get\"]},"
                + "{\"name\":\"headroom_recommended_replicas\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"kind\":\"ExternalMetricValueList\",\"verbs\":[\"get\"]}]}");

        JsonNode groups = json(get(aggregator, "/apis", null));
        assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
        assertThat(groups.path("groups").get(0).path("name").asText()).isEqualTo("external.metrics.k8s.io");
        assertThat(groups.path("groups").get(0).path("preferredVersion").path("groupVersion").asText())
                .isEqualTo("external.metrics.k8s.io/v1beta1");

        JsonNode openApi = json(get(aggregator, "/openapi/v2", null));
        assertThat(openApi.path("swagger").asText()).isEqualTo("2.0");
    }

    @Test
    void aCallerWithoutAClientCertificateIsRejectedWithAStatus() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 2, 3,
                DecisionReason.SCALE_UP));
        HttpClient anonymous = client(certs.clientContext(null));

        HttpResponse<String> values = get(anonymous, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama",
                "system:admin");
        HttpResponse<String> discovery = get(anonymous, "/apis/external.metrics.k8s.io/v1beta1", "system:admin");

        for (HttpResponse<String> r : List.of(values, discovery)) {
            assertThat(r.statusCode()).isEqualTo(401);
            JsonNode status = json(r);
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("status").asText()).isEqualTo("Failure");
            assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
            assertThat(status.path("code").asInt()).isEqualTo(401);
            assertThat(status.path("message").asText()).contains("no client certificate");
            assertThat(r.body()).doesNotContain("items");
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRejectedEvenWithTheAllowedNameAndAUserHeader() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 2, 3,
                DecisionReason.SCALE_UP));
        HttpClient forger = client(certs.clientContext(certs.otherCa));

        HttpResponse<String> r = get(forger, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama",
                "system:admin");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asText()).contains("does not verify against the request-header CA");
        assertThat(r.body()).doesNotContain("items");
    }

    @Test
    void aCertificateFromTheRightCaWithANameNotAllowedIsRejected() throws Exception {
        HttpClient stranger = client(certs.clientContext(certs.notAllowedName));

        HttpResponse<String> r = get(stranger, "/apis/external.metrics.k8s.io/v1beta1", "system:admin");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asText()).contains("someone-else").contains("front-proxy-client");
    }

    @Test
    void valuesNeedAUserNamedByTheAggregatorAndNotAnonymous() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 2, 3,
                DecisionReason.SCALE_UP));
        String path = VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama";

        HttpResponse<String> noUser = get(aggregator, path, null);
        HttpResponse<String> anonymous = get(aggregator, path, "system:anonymous");

        assertThat(noUser.statusCode()).isEqualTo(403);
        assertThat(json(noUser).path("reason").asText()).isEqualTo("Forbidden");
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(json(anonymous).path("message").asText()).contains("system:anonymous");
    }

    @Test
    void noDataIsAnErrorStatusNeverAZeroOrAnEmptyList() throws Exception {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, DECIDED, 4, 4,
                DecisionReason.HELD_NO_DATA));

        HttpResponse<String> held = get(aggregator, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dllama",
                "hpa");
        HttpResponse<String> unknown = get(aggregator, VALUES + "headroom_desired_replicas?labelSelector=workload%3Dnone",
                "hpa");
        HttpResponse<String> unknownMetric = get(aggregator, VALUES + "headroom_cpu?labelSelector=workload%3Dllama", "hpa");

        assertThat(held.statusCode()).isEqualTo(503);
        assertThat(json(held).path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(json(held).path("message").asText()).contains("inference/llama").contains("no data");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("message").asText()).contains("inference/none");
        assertThat(unknownMetric.statusCode()).isEqualTo(404);
        assertThat(json(unknownMetric).path("kind").asText()).isEqualTo("Status");
        assertThat(json(unknownMetric).path("message").asText()).contains("headroom_cpu").contains("headroom_desired_replicas");
        for (HttpResponse<String> r : List.of(held, unknown, unknownMetric)) {
            assertThat(r.body()).doesNotContain("items");
        }
    }

    @Test
    void probesAnswerWithoutACertificate() throws Exception {
        HttpResponse<String> r = get(client(certs.clientContext(null)), "/readyz", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    private static HttpClient client(SSLContext ctx) {
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String pathAndQuery, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("Accept", "application/json");
        if (user != null) {
            b.header("X-Remote-User", user).header("X-Remote-Group", "system:authenticated");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body());
    }
}
