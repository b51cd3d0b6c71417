package io.multistack.etc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The (factory PID, name) of a file named {@code FACTORYPID~NAME.cfg}. */
record NamedFactoryPid(String factoryPid, String name) {
    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9_.]+)~([^~/\\\\]+)\\.cfg");

    /** The pair for a file name, or null when the name is not of that form. */
    static NamedFactoryPid of(String fileName) {
        Matcher matcher = FILE.matcher(fileName);
        return matcher.matches() ? new NamedFactoryPid(matcher.group(1), matcher.group(2)) : null;
    }

    /** The PID ConfigurationAdmin R7 gives the configuration. */
    String servicePid() {
        return factoryPid + "~" + name;
    }
}
