package dev.headroom.agent.external;

import java.util.List;
import java.util.Objects;

/** Who is calling the external metrics API, as the request-header authenticator sees it. */
public sealed interface Authentication {

    /**
     * A user named by the aggregator: a client certificate that verifies against the request-header CA (with an
     * allowed name), and a user header.
     *
     * @param user   from {@code X-Remote-User}
     * @param groups from {@code X-Remote-Group} (every value)
     * @param proxy  the certificate's common name, e.g. {@code front-proxy-client}
     */
    record User(String user, List<String> groups, String proxy) implements Authentication {
        public User {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(proxy, "proxy");
            groups = List.copyOf(groups);
        }

        /** Whether the aggregator passed on an unauthenticated request ({@code system:anonymous}). */
        public boolean anonymous() {
            return user.equals("system:anonymous") || groups.contains("system:unauthenticated");
        }
    }

    /**
     * The aggregator itself without a user (its availability and discovery checks): enough for discovery, not for
     * values.
     *
     * @param proxy the certificate's common name
     */
    record Proxy(String proxy) implements Authentication {
        public Proxy {
            Objects.requireNonNull(proxy, "proxy");
        }
    }

    /**
     * Not the aggregator: no client certificate, one that does not verify, or a name not allowed.
     *
     * @param reason one line, served in the 401's Status message
     */
    record Rejected(String reason) implements Authentication {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
