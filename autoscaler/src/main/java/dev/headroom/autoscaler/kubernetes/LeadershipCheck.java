package dev.headroom.autoscaler.kubernetes;

/** Whether this controller may act now. */
@FunctionalInterface
public interface LeadershipCheck {

    boolean isLeader();

    /** For a single controller that needs no election (one replica, or a test). */
    LeadershipCheck ALWAYS = () -> true;
}
