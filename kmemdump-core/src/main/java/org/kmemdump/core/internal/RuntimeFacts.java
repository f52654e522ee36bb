package org.kmemdump.core.internal;

import java.time.Instant;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/** The texts of the runtime's own zones: release string, banner and configuration. */
final class RuntimeFacts {
    /** The kinfo record keeps the release string in a 64-byte field: keep it shorter. */
    static final int MAX_RELEASE_LENGTH = 63;

    private final BundleContext context;
    private final Host host;

    RuntimeFacts(BundleContext context, Host host) {
        this.context = context;
        this.host = host;
    }

    /** @return e.g. {@code kmemdump-0.1.0 java-25.0.1+8-LTS}, at most 63 characters */
    String release() {
        Version version = context.getBundle().getVersion(); // without the qualifier: a build stamp is noise here
        String release = "kmemdump-" + version.getMajor() + "." + version.getMinor() + "." + version.getMicro()
                + " java-" + System.getProperty("java.runtime.version");
        return release.length() <= MAX_RELEASE_LENGTH ? release : release.substring(0, MAX_RELEASE_LENGTH);
    }

    String banner() {
        Bundle framework = context.getBundle(0);
        return "kmemdump " + context.getBundle().getVersion() + " on " + framework.getSymbolicName() + " "
                + framework.getVersion() + ", Java " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", pid " + host.pid()
                + ", started " + ProcessHandle.current().info().startInstant().map(Instant::toString).orElse("?");
    }

    /**
     * Settings that explain a dump: fixed JVM, OS and framework keys, and every framework property
     * named {@code kmemdump.*} (Felix and the bnd launcher take framework properties from the
     * system properties too, which is where their names can be listed). Deliberately not the JVM's
     * arguments or environment: they often carry secrets, and a dump is meant to be shared. A value
     * whose key looks secret is {@linkplain SecretValues redacted}.
     */
    String configuration() {
        StringBuilder text = new StringBuilder();
        for (String key : new String[] {"java.vm.name", "java.vm.version", "java.vendor", "os.name", "os.version",
                "os.arch", "user.name", "file.encoding", "sun.java.command"}) {
            line(text, key, System.getProperty(key, ""));
        }
        for (String key : new String[] {"org.osgi.framework.vendor", "org.osgi.framework.version",
                "org.osgi.framework.storage", "org.osgi.framework.executionenvironment"}) {
            line(text, key, context.getProperty(key));
        }
        new TreeSet<>(System.getProperties().stringPropertyNames()).stream().filter(key -> key.startsWith("kmemdump."))
                .forEach(key -> line(text, key, context.getProperty(key)));
        line(text, "kmemdump.page_size", host.pageSize());
        line(text, "runtime.available_processors", Runtime.getRuntime().availableProcessors());
        line(text, "runtime.max_memory", Runtime.getRuntime().maxMemory());
        return text.toString();
    }

    private static void line(StringBuilder text, String key, Object value) {
        text.append(key).append('=').append(SecretValues.shown(key, String.valueOf(value))).append('\n');
    }

    static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN";
        };
    }
}
