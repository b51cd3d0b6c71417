package io.multistack.etcbridge;

import java.util.Optional;

/** The two halves of an R7 named factory configuration PID, {@code factoryPid~name}. */
record FactoryName(String factoryPid, String name) {

    static Optional<FactoryName> parse(String pid) {
        int tilde = pid.indexOf('~');
        if (tilde <= 0 || tilde == pid.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new FactoryName(pid.substring(0, tilde), pid.substring(tilde + 1)));
    }
}
