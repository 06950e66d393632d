package dev.headroom.collectors.scrape;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Collects a response body into one array and gives up, cancelling the stream, as soon as it passes the limit:
 * an oversized body never sits in memory whole.
 *
 * <p>With {@code gzip} set, each arriving chunk is inflated as it comes (RFC 1952: header, raw deflate, CRC-32 and
 * length trailer) and the limit applies to the inflated bytes, so neither the compressed body nor more than
 * {@code max} inflated bytes is ever held: a gzip bomb costs at most {@code max} bytes and stops there. The array
 * grows by doubling from 16 KiB, never past {@code max}; the worst case is {@code max} plus the half-size array
 * it was copied from, for an instant.
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

    /** Thrown through the future when a body said to be gzip is not. */
    static final class BadGzipException extends IOException {
        private static final long serialVersionUID = 1L;

        BadGzipException(String message) {
            super(message);
        }
    }

    /** The longest gzip header accepted (the optional name and comment fields are unbounded in the format). */
    private static final int MAX_GZIP_HEADER = 4096;

    private final long max;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buffer;
    private int size;

    // gzip state: null inflater when the body is plain.
    private final Inflater inflater;
    private final CRC32 crc;
    private byte[] header;
    private int headerSize;
    private boolean inHeader;
    private final byte[] trailer = new byte[8];
    private int trailerSize;
    private byte[] chunk;
    private final byte[] probe = new byte[1];

    LimitedBodySubscriber(long max) {
        this(max, false);
    }

    LimitedBodySubscriber(long max, boolean gzip) {
        this.max = max;
        this.buffer = new byte[(int) Math.min(16 * 1024, max)];
        this.inflater = gzip ? new Inflater(true) : null;
        this.crc = gzip ? new CRC32() : null;
        this.inHeader = gzip;
        this.header = gzip ? new byte[64] : null;
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
        try {
            for (ByteBuffer b : items) {
                if (inflater == null) {
                    append(b);
                } else {
                    inflate(b);
                }
            }
        } catch (IOException e) {
            giveUp(e);
        }
    }

    private void giveUp(Throwable t) {
        subscription.cancel();
        if (inflater != null) {
            inflater.end();
        }
        result.completeExceptionally(t);
    }

    private void append(ByteBuffer b) throws TooLargeException {
        int n = b.remaining();
        ensureRoom(n);
        b.get(buffer, size, n);
        size += n;
    }

    private void ensureRoom(int n) throws TooLargeException {
        if ((long) size + n > max) {
            throw new TooLargeException(inflater != null
                    ? "gzip body inflates past the limit of " + max + " bytes (inflating stopped there)"
                    : "body is larger than the limit of " + max + " bytes (more than " + ((long) size + n)
                            + " received)");
        }
        if (size + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max((long) buffer.length * 2, size + n)));
        }
    }

    private void inflate(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (inHeader) {
                readHeaderByte(b.get());
                continue;
            }
            if (inflater.finished()) {
                while (b.hasRemaining() && trailerSize < 8) {
                    trailer[trailerSize++] = b.get();
                }
                if (b.hasRemaining()) {
                    throw new BadGzipException("data after the end of the gzip stream");
                }
                return;
            }
            if (chunk == null) {
                chunk = new byte[8192];
            }
            int n = Math.min(b.remaining(), chunk.length);
            b.get(chunk, 0, n);
            inflater.setInput(chunk, 0, n);
            drain();
            int left = inflater.getRemaining();
            if (left > 0) { // the stream ended inside this chunk: the rest is the trailer
                b.position(b.position() - left);
            }
        }
    }

    private void drain() throws IOException {
        try {
            while (!inflater.finished() && !inflater.needsInput()) {
                if (inflater.needsDictionary()) {
                    throw new BadGzipException("the gzip stream asks for a preset dictionary");
                }
                if (size == buffer.length) {
                    if (size >= max) { // full at the limit: one more byte out means too large
                        if (inflater.inflate(probe, 0, 1) > 0) {
                            throw new TooLargeException("gzip body inflates past the limit of " + max
                                    + " bytes (inflating stopped there)");
                        }
                        continue;
                    }
                    ensureRoom(1);
                }
                int n = inflater.inflate(buffer, size, buffer.length - size);
                if (n == 0 && !inflater.finished() && !inflater.needsInput() && !inflater.needsDictionary()) {
                    break;
                }
                crc.update(buffer, size, n);
                size += n;
            }
        } catch (DataFormatException e) {
            throw new BadGzipException("invalid deflate data: " + e.getMessage());
        }
    }

    /** Reads the RFC 1952 header byte by byte (it is a few bytes, once per body). */
    private void readHeaderByte(byte x) throws BadGzipException {
        if (headerSize == MAX_GZIP_HEADER) {
            throw new BadGzipException("gzip header longer than " + MAX_GZIP_HEADER + " bytes");
        }
        if (headerSize == header.length) {
            header = Arrays.copyOf(header, Math.min(MAX_GZIP_HEADER, header.length * 2));
        }
        header[headerSize++] = x;
        if (headerSize == 2 && ((header[0] & 0xff) != 0x1f || (header[1] & 0xff) != 0x8b)) {
            throw new BadGzipException(String.format("does not start with the gzip magic 1F 8B (found %02X %02X)",
                    header[0] & 0xff, header[1] & 0xff));
        }
        if (headerSize == 3 && header[2] != 8) {
            throw new BadGzipException("unsupported gzip compression method " + (header[2] & 0xff));
        }
        if (headerSize < 10) {
            return;
        }
        int flags = header[3] & 0xff;
        int p = 10;
        if ((flags & 4) != 0) { // FEXTRA: two-byte length, then that many bytes
            if (headerSize < p + 2) {
                return;
            }
            p += 2 + ((header[10] & 0xff) | (header[11] & 0xff) << 8);
            if (headerSize < p) {
                return;
            }
        }
        for (int field = 8; field <= 16; field <<= 1) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & field) != 0) {
                while (p < headerSize && header[p] != 0) {
                    p++;
                }
                if (p >= headerSize) {
                    return;
                }
                p++;
            }
        }
        if ((flags & 2) != 0) { // FHCRC
            p += 2;
        }
        if (headerSize == p) {
            inHeader = false;
            header = null;
        }
    }

    @Override
    public void onError(Throwable t) {
        if (inflater != null) {
            inflater.end();
        }
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (result.isDone()) {
            return;
        }
        if (inflater == null) {
            result.complete(new Body(buffer, size));
            return;
        }
        try {
            if (inHeader || !inflater.finished()) {
                throw new BadGzipException("the gzip stream is truncated (" + size + " bytes inflated so far)");
            }
            if (trailerSize < 8) {
                throw new BadGzipException("the gzip trailer is truncated");
            }
            long wantCrc = le32(0);
            long wantSize = le32(4);
            if (wantCrc != crc.getValue()) {
                throw new BadGzipException("gzip CRC-32 mismatch: the body is corrupt");
            }
            if (wantSize != (size & 0xffffffffL)) {
                throw new BadGzipException("gzip length mismatch: trailer says " + wantSize + ", inflated " + size);
            }
            inflater.end();
            result.complete(new Body(buffer, size));
        } catch (BadGzipException e) {
            inflater.end();
            result.completeExceptionally(e);
        }
    }

    private long le32(int at) {
        return (trailer[at] & 0xffL) | (trailer[at + 1] & 0xffL) << 8 | (trailer[at + 2] & 0xffL) << 16
                | (trailer[at + 3] & 0xffL) << 24;
    }
}
