package io.multistack.console;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Optional configuration {@code etc/io.multistack.console.cfg}; the defaults suit an operator at a prompt. */
@ObjectClassDefinition(name = "multistack local console", description = "Limits of bin/multistack client")
@interface ConsoleConfig {

    @AttributeDefinition(description = "Longest command accepted, in bytes")
    int maxCommandBytes() default 8192;

    @AttributeDefinition(description = "Output kept per command, in bytes; the rest is dropped and counted")
    int maxOutputBytes() default 1 << 20;

    @AttributeDefinition(description = "Time a command may run before the client gets a timeout, in seconds")
    int commandTimeoutSeconds() default 120;

    @AttributeDefinition(description = "Time a client may take to send its command, in seconds")
    int requestTimeoutSeconds() default 5;

    @AttributeDefinition(description = "Commands running at once; more connections are turned away")
    int maxConcurrentCommands() default 4;
}
