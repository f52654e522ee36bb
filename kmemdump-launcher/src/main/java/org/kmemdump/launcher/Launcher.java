package org.kmemdump.launcher;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The Main-Class of kmemdump's executable jars. Compiled for Java 8, so that an older Java than the
 * jar needs can still load it: it checks {@code java.specification.version} before any class of
 * the jar's real program loads, and on too old a Java prints one line naming the Java found and the
 * one needed and exits with {@link #TOO_OLD}, instead of {@code UnsupportedClassVersionError} or an
 * OSGi framework that refuses every bundle and waits. Otherwise it calls the real main class, which
 * the jar's manifest names, with the same arguments; that class's exit codes and exceptions are
 * unchanged.
 */
public final class Launcher {
    /** The manifest attribute naming the class this one hands over to. */
    public static final String MAIN_CLASS = "Launcher-Main-Class";
    /** The manifest attribute naming the oldest Java feature release the jar runs on, e.g. {@code 25}. */
    public static final String JAVA_VERSION = "Launcher-Java-Version";
    /** The exit status on too old a Java: sysexits' EX_CONFIG, taken by no program behind this class. */
    public static final int TOO_OLD = 78;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        File jar = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Attributes manifest = manifest(jar);
        int needed = Integer.parseInt(manifest.getValue(JAVA_VERSION).trim());
        int found = featureRelease(System.getProperty("java.specification.version"));
        if (found < needed) {
            System.err.println(jar.getName() + " needs Java " + needed + " or later, but this is Java " + found + " ("
                    + System.getProperty("java.home") + "); run it with a Java " + needed + " (set JAVA_HOME or use its bin/java)");
            System.exit(TOO_OLD);
        }
        MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName(manifest.getValue(MAIN_CLASS).trim()), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(args);
    }

    /** @return 8 for "1.8", 17 for "17" */
    static int featureRelease(String specificationVersion) {
        String release = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        return Integer.parseInt(release.split("\\.")[0]);
    }

    /** @param jar the jar, or the directory it was extracted to (bnd's {@code -extract} and its start script) */
    private static Attributes manifest(File jar) throws IOException {
        if (jar.isDirectory()) {
            try (InputStream in = new FileInputStream(new File(jar, JarFile.MANIFEST_NAME))) {
                return new Manifest(in).getMainAttributes();
            }
        }
        try (JarFile file = new JarFile(jar)) {
            return file.getManifest().getMainAttributes();
        }
    }
}
