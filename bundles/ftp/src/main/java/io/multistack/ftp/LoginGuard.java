package io.multistack.ftp;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Failed logins per client address of one tenant: after {@code maxFailures} failures in a
 * row the address is locked out for {@code lockout}; a successful login clears its count.
 * The clock is passed in, so tests need no waiting. Called from the tenant's event loop
 * only, but synchronized so a command may read it from elsewhere.
 */
final class LoginGuard {
    private final Map<InetAddress, Failures> failures = new HashMap<>();

    synchronized boolean lockedOut(InetAddress client, Instant now) {
        Failures entry = failures.get(client);
        if (entry == null || entry.lockedUntil == null) {
            return false;
        }
        if (now.isBefore(entry.lockedUntil)) {
            return true;
        }
        failures.remove(client); // lockout over: a fresh start
        return false;
    }

    /** Counts a failure; returns whether the address is now locked out. */
    synchronized boolean failed(InetAddress client, Instant now, int maxFailures, Duration lockout) {
        Failures entry = failures.computeIfAbsent(client, address -> new Failures());
        entry.count++;
        if (entry.count >= maxFailures) {
            entry.lockedUntil = now.plus(lockout);
            return true;
        }
        return false;
    }

    synchronized void succeeded(InetAddress client) {
        failures.remove(client);
    }

    synchronized int size() {
        return failures.size();
    }

    private static final class Failures {
        int count;
        Instant lockedUntil;
    }
}
