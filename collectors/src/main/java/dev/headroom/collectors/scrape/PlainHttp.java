package dev.headroom.collectors.scrape;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A blocking HTTP/1.1 GET over a plain socket: what a scraper of its own needs for an {@code http://} engine, and no
 * more. One connection, kept alive between requests (a reused connection that the server closed meanwhile is opened
 * again once); {@code Content-Length}, chunked and close-delimited bodies; redirects (301, 302, 303, 307, 308) to
 * another {@code http://} URL, at most {@value #MAX_REDIRECTS}; each response within the read timeout of its request
 * being sent, and the whole within an outer deadline, every read bounded by what is left. The body goes through a {@link LimitedBodySubscriber}, the same bounded path (size
 * limit, gzip inflated as it arrives) as the JDK client's.
 *
 * <p>Why not the JDK's {@code HttpClient}: for one GET a second it keeps a selector thread that wakes for every
 * request, and loads some 270 classes; this class loads none of them. Not thread-safe on its own: callers serialise
 * ({@link #get} is synchronized).
 */
final class PlainHttp {

    static final int MAX_REDIRECTS = 5;
    /** The status line and the headers of one response, together. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /** The response's status and headers (names lower case, the first value of each). */
    record Head(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    record Response(Head head, LimitedBodySubscriber.Body body) {
    }

    /** The exchange did not complete before its deadline. */
    static final class DeadlineException extends IOException {
        private static final long serialVersionUID = 1L;

        DeadlineException() {
            super("deadline passed");
        }
    }

    /** No connection within the connect timeout. */
    static final class ConnectTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectTimeoutException(String message) {
            super(message);
        }
    }

    private final Duration connectTimeout;
    private long readTimeoutNanos;
    private long outerDeadline;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private Socket socket;
    private InputStream in;
    private String origin;
    private long deadline;

    PlainHttp(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * One GET of {@code url}, following redirects. {@code bodyFor} says how to read a response's body, or null to
     * leave it unread (the connection is then closed).
     *
     * @param readTimeout   how long a response may take, from its request being sent to its last byte
     * @param deadlineNanos the end of the whole, redirects and connecting included, on the {@link System#nanoTime()}
     *                      scale
     * @throws DeadlineException when either passes first
     */
    synchronized Response get(URI url, String accept, boolean acceptGzip,
                              Function<Head, LimitedBodySubscriber> bodyFor, Duration readTimeout,
                              long deadlineNanos) throws IOException {
        this.readTimeoutNanos = readTimeout.toNanos();
        this.outerDeadline = deadlineNanos;
        URI target = url;
        for (int redirects = 0; ; redirects++) {
            Response r = exchange(target, accept, acceptGzip, bodyFor);
            int status = r.head().status();
            String location = r.head().header("location");
            if (location == null || !(status == 301 || status == 302 || status == 303 || status == 307
                    || status == 308)) {
                return r;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new ProtocolException("more than " + MAX_REDIRECTS + " redirects");
            }
            target = target.resolve(location.trim());
            if (!"http".equalsIgnoreCase(target.getScheme())) {
                throw new ProtocolException("redirected to " + target + ": this client speaks plain HTTP only");
            }
        }
    }

    synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing to do
            }
        }
        socket = null;
        in = null;
        origin = null;
        pos = lim = 0;
    }

    private Response exchange(URI url, String accept, boolean acceptGzip,
                              Function<Head, LimitedBodySubscriber> bodyFor) throws IOException {
        String host = url.getHost();
        if (host == null) {
            throw new ProtocolException("no host in " + url);
        }
        int port = url.getPort() == -1 ? 80 : url.getPort();
        String to = host + ":" + port;
        if (!to.equals(origin)) {
            close();
        }
        boolean reused = socket != null;
        Head head;
        try {
            if (socket == null) {
                connect(host, port, to);
            }
            head = request(url, host, accept, acceptGzip);
        } catch (IOException e) {
            close();
            if (!reused || e instanceof DeadlineException) {
                throw e;
            }
            connect(host, port, to); // the server closed the idle connection: once more on a new one
            try {
                head = request(url, host, accept, acceptGzip);
            } catch (IOException again) {
                close();
                throw again;
            }
        }
        try {
            LimitedBodySubscriber subscriber = bodyFor.apply(head);
            if (subscriber == null) {
                close();
                return new Response(head, new LimitedBodySubscriber.Body(new byte[0], 0));
            }
            return new Response(head, body(head, subscriber));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void connect(String host, int port, String to) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
            s.connect(new InetSocketAddress(host, port), millis);
            in = s.getInputStream();
        } catch (SocketTimeoutException e) {
            s.close();
            throw new ConnectTimeoutException("could not connect within " + connectTimeout.toMillis() + " ms");
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        origin = to;
        pos = lim = 0;
    }

    /** Sends the request and reads the response's head, skipping interim (1xx) responses. */
    private Head request(URI url, String host, String accept, boolean acceptGzip) throws IOException {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String hostHeader = url.getPort() == -1 ? host : host + ":" + url.getPort();
        deadline = Math.min(outerDeadline, System.nanoTime() + readTimeoutNanos);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept: " + accept + "\r\n"
                + (acceptGzip ? "Accept-Encoding: gzip\r\n" : "") + "User-Agent: headroom\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        while (true) {
            Head head = head();
            if (head.status() >= 200 || head.status() == 101) {
                return head;
            }
        }
    }

    private Head head() throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        String statusLine = line(budget);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        // HTTP/1.1 200 OK
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("not an HTTP/1.x status line: " + printable(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ProtocolException("not an HTTP/1.x status line: " + printable(statusLine));
        }
        Map<String, String> headers = new HashMap<>();
        if (statusLine.startsWith("HTTP/1.0")) {
            headers.put(":http/1.0", "");
        }
        while (true) {
            String line = line(budget);
            if (line == null) {
                throw new EOFException("connection closed in the response's headers");
            }
            if (line.isEmpty()) {
                return new Head(status, headers);
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("malformed header line: " + printable(line));
            }
            headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
    }

    private LimitedBodySubscriber.Body body(Head head, LimitedBodySubscriber subscriber) throws IOException {
        Cancel cancel = new Cancel();
        subscriber.onSubscribe(cancel);
        int status = head.status();
        String te = head.header("transfer-encoding");
        String length = head.header("content-length");
        boolean keep = !"close".equalsIgnoreCase(head.header("connection"))
                && (!head.headers().containsKey(":http/1.0")
                || "keep-alive".equalsIgnoreCase(head.header("connection")));
        if (status == 204 || status == 304) {
            // no body
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            chunked(subscriber, cancel);
        } else if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad Content-Length: " + printable(length));
            }
            if (n < 0) {
                throw new ProtocolException("bad Content-Length: " + printable(length));
            }
            copy(subscriber, cancel, n, true);
        } else {
            copy(subscriber, cancel, Long.MAX_VALUE, false);
            keep = false;
        }
        if (cancel.cancelled) {
            keep = false; // the subscriber gave up: the rest of the body is still on the wire
        } else {
            subscriber.onComplete();
        }
        if (!keep) {
            close();
        }
        CompletableFuture<LimitedBodySubscriber.Body> result = subscriber.getBody().toCompletableFuture();
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    private void chunked(LimitedBodySubscriber subscriber, Cancel cancel) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        while (!cancel.cancelled) {
            String sizeLine = line(budget);
            if (sizeLine == null) {
                throw new EOFException("connection closed in a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size: " + printable(sizeLine));
            }
            if (size < 0) {
                throw new ProtocolException("bad chunk size: " + printable(sizeLine));
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = line(budget);
                } while (trailer != null && !trailer.isEmpty());
                return;
            }
            copy(subscriber, cancel, size, true);
            if (cancel.cancelled) {
                return;
            }
            String end = line(budget);
            if (end == null || !end.isEmpty()) {
                throw new ProtocolException("a chunk does not end with CRLF");
            }
            budget[0] = MAX_HEAD_BYTES; // the budget bounds one size line and its chunk's end, not the whole body
        }
    }

    /** Hands {@code n} bytes (or all until the connection closes, when not {@code exact}) to the subscriber. */
    private void copy(LimitedBodySubscriber subscriber, Cancel cancel, long n, boolean exact) throws IOException {
        long left = n;
        while (left > 0 && !cancel.cancelled) {
            if (pos == lim && fill() < 0) {
                if (exact) {
                    throw new EOFException("connection closed " + (n - left) + " bytes into a body of " + n);
                }
                return;
            }
            int k = (int) Math.min(left, lim - pos);
            subscriber.onNext(List.of(ByteBuffer.wrap(buf, pos, k)));
            pos += k;
            left -= k;
        }
    }

    /** One line of the head, without its CRLF (a bare LF is accepted); null at the end of the stream. */
    private String line(int[] budget) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            if (pos == lim && fill() < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            byte b = buf[pos++];
            if (--budget[0] < 0) {
                throw new ProtocolException("response head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                int end = sb.length();
                if (end > 0 && sb.charAt(end - 1) == '\r') {
                    sb.setLength(end - 1);
                }
                return sb.toString();
            }
            sb.append((char) (b & 0xff));
        }
    }

    /** Reads what has arrived into the buffer, waiting no longer than the deadline; -1 at the end of the stream. */
    private int fill() throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new DeadlineException();
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (SocketTimeoutException e) {
            throw new DeadlineException();
        }
        pos = 0;
        lim = Math.max(n, 0);
        return n;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    /** The subscription handed to the body's subscriber: it asks for everything, and may cancel. */
    private static final class Cancel implements Flow.Subscription {
        boolean cancelled;

        @Override
        public void request(long n) {
            // everything is pushed as it arrives
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
