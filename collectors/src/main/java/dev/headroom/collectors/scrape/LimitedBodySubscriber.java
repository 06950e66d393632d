package dev.headroom.collectors.scrape;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into one array and gives up, cancelling the stream, as soon as it passes the limit:
 * an oversized body never sits in memory whole.
 */
final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<LimitedBodySubscriber.Body> {

    /** The bytes received, {@code [0, length)} of {@code bytes}. */
    record Body(byte[] bytes, int length) {
    }

    /** Thrown through the future when the body passes the limit. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private final long max;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buffer = new byte[16 * 1024];
    private int size;

    LimitedBodySubscriber(long max) {
        this.max = max;
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if ((long) size + n > max) {
                subscription.cancel();
                result.completeExceptionally(new TooLargeException("body is larger than the limit of " + max
                        + " bytes (more than " + ((long) size + n) + " received)"));
                return;
            }
            if (size + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max((long) buffer.length * 2, size + n)));
            }
            b.get(buffer, size, n);
            size += n;
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(new Body(buffer, size));
    }
}
