package io.multistack.ftp;

/**
 * One parsed control-connection command: the verb in upper case and its argument, exactly
 * as sent after the single separating space (empty when there is none).
 */
record Command(String verb, String argument) {
    boolean hasArgument() {
        return !argument.isEmpty();
    }
}
