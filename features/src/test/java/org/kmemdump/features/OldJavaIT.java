package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each executable jar started on a Java older than 25 (the machine's default java is often 17)
 * says so in one line and exits 78, instead of a BundleException per bundle and a hang, or
 * UnsupportedClassVersionError: kmemdump-launcher's class is the jars' Main-Class.
 */
class OldJavaIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** kmemdump-launcher's Launcher.TOO_OLD. */
    private static final int TOO_OLD = 78;
    private static final Pattern RELEASE = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)", Pattern.MULTILINE);

    private static Path oldJava;
    private static String oldRelease;

    @TempDir
    Path work;

    /** An installed Java older than 25, from its {@code release} file; the test is skipped, saying why, if there is none. */
    @BeforeAll
    static void findOldJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        Optional<Path> found = Optional.empty();
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                found = homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && release(home) > 0 && release(home) < 25)
                        .sorted().findFirst();
            }
        }
        assumeTrue(found.isPresent(), "no Java older than 25 under /usr/lib/jvm (a JDK or JRE with a release file): nothing to start the jars with");
        oldJava = found.get().resolve("bin/java");
        oldRelease = String.valueOf(release(found.get()));
    }

    private static int release(Path home) {
        try {
            Matcher version = RELEASE.matcher(Files.readString(home.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kmemdump.jar", "kmemdump-equinox.jar", "framework.jar", "kmemdump-collector.jar"})
    void anOlderJavaGetsOneLineNamingBothJavasAndExit78(String name) {
        Path runtimes = Path.of(System.getProperty("kmemdump.jar", "target/kmemdump.jar")).toAbsolutePath().getParent();
        Path jar = name.equals("kmemdump-collector.jar") ? CollectorJar.JAR : runtimes.resolve(name);
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run mvn verify (package builds it)");
        // the collector with a command, the runtime with a script: the check comes before either is looked at
        List<String> command = name.equals("kmemdump-collector.jar")
                ? List.of(oldJava.toString(), "-jar", jar.toString(), "inspect", work.toString())
                : List.of(oldJava.toString(), "-Dgosh.args=--nointeractive -c kmemdump:zones", "-jar", jar.toString());
        try (Child child = Child.start(name + " on Java " + oldRelease, command, work)) {
            assertEquals(TOO_OLD, child.awaitExit(TIMEOUT), child.describe());
            assertEquals("", child.stdout(), child.describe());
            List<String> lines = child.stderr().lines().filter(line -> !line.startsWith("Picked up ")).toList();
            assertEquals(1, lines.size(), "one line on stderr\n" + child.describe());
            assertTrue(lines.get(0).matches(Pattern.quote(name) + " needs Java 25 or later, but this is Java " + oldRelease
                    + " \\(/usr/lib/jvm/[^)]+\\); run it with a Java 25 .*"), lines.get(0));
        }
    }
}
