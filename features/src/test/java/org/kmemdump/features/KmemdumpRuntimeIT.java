package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the exported runtime, target/kmemdump.jar, as an operator would: a separate JVM (the JDK 25
 * that runs this test) with the Gogo shell either driven by {@code -Dgosh.args} or typed to on stdin.
 * The shell's ways in and out are run on the Equinox distribution too, which must behave the same.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KmemdumpRuntimeIT {
    /** Generous: the runtime is up in about a second, but CI machines can be slow and busy. */
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    /** The bnd launcher's exit code once the framework has stopped (LauncherConstants.STOPPED). */
    private static final int LAUNCHER_STOPPED = 117;
    /** 128 + SIGTERM: the JVM's shutdown hooks ran and the framework stopped. */
    private static final int LAUNCHER_SIGTERM = 143;
    private static final Pattern PROMPT = Pattern.compile("g! ");

    private static final Pattern BACKEND_ROW = Pattern.compile(
            "^(\\*?)\\s+(\\S+)\\s+(-?\\d+)\\s+(\\d+)\\s+(\\S+) \\[(\\d+)\\]$", Pattern.MULTILINE);
    private static final Pattern ZONE_ROW = Pattern.compile(
            "^\\s*(\\d+)\\s+(\\S+)\\s+0x([0-9a-f]{16})\\s+(\\d+)\\s+(\\S+) \\[\\d+\\]\\s+(.+)$", Pattern.MULTILINE);

    /** The Equinox distribution, beside kmemdump.jar. */
    private static final String EQUINOX = "kmemdump-equinox.jar";

    private static Path runtimeJar;
    private static Path bundlesDir;

    @TempDir
    Path work;

    @BeforeAll
    static void findRuntime() {
        runtimeJar = Path.of(System.getProperty("kmemdump.jar", "target/kmemdump.jar")).toAbsolutePath();
        bundlesDir = Path.of(System.getProperty("kmemdump.bundles", "target/bundles")).toAbsolutePath();
        assertTrue(Files.isRegularFile(runtimeJar), "no runtime at " + runtimeJar + ": run mvn verify (package exports it)");
        System.out.printf("[kmemdump] runtime %s on %s (%s)%n", runtimeJar, Runtimes.JAVA, System.getProperty("java.runtime.version"));
    }

    private Child startRuntime(String name, String... properties) {
        return Runtimes.start(name, runtimeJar, work, properties);
    }

    /** @param distribution the file name of an exported runtime in target/: kmemdump.jar or kmemdump-equinox.jar */
    private Child startDistribution(String distribution, String detail, String... properties) {
        Path jar = runtimeJar.resolveSibling(distribution);
        assertTrue(Files.isRegularFile(jar), "no runtime at " + jar + ": run mvn verify (package exports it)");
        return Runtimes.start(distribution + detail, jar, work, properties);
    }

    /** Also the output of {@code kmemdump:threads} and {@code kmemdump:components}, in the same child (each costs seconds). */
    @ParameterizedTest
    @ValueSource(strings = {"kmemdump.jar", EQUINOX})
    void nonInteractiveShellListsTheDefaultBackendAndTheRuntimeZones(String distribution) throws Exception {
        Path classLoads = work.resolve(distribution + ".class-load.log");
        try (Child runtime = startDistribution(distribution, "", "-Xlog:class+load:file=" + classLoads,
                "-Dgosh.args=--nointeractive -c kmemdump:backends; kmemdump:zones; kmemdump:threads; kmemdump:components; kmemdump:log -n 1000; stop 0")) {
            runtime.awaitStdout(0, Pattern.compile("^ACTIVE\\s+NAME", Pattern.MULTILINE), CHILD_TIMEOUT);
            System.out.printf("[kmemdump] start to shell ready (first command output, -c): %d ms%n",
                    runtime.elapsedMillis());
            assertEquals(LAUNCHER_STOPPED, runtime.awaitExit(CHILD_TIMEOUT),
                    "stop 0 should end the launcher with 117\n" + runtime.describe());

            assertDefaultBackendActive(runtime.stdout(), runtime);
            assertRuntimeZones(runtime.stdout(), runtime);
            assertThreadsCommand(runtime.stdout());
            assertComponentsCommand(runtime.stdout());
            assertTrue(Pattern.compile("(?m) org\\.apache\\.felix\\.scr \\[\\d+\\] BundleEvent STARTED$").matcher(runtime.stdout()).find(),
                    "Felix Log starts before SCR, so the ring holds the early bundle events\n" + runtime.describe());
            assertQuietStderr(runtime);
        }
        assertFirstSnapshotAfterStartUp(classLoads);
    }

    /**
     * The first threads snapshot waits until the framework has finished starting, also through the
     * launcher's start level raise after the framework started: its thread dump's class is loaded
     * after the shell's activator (the last bundle's, level 1000). An order, not a time.
     */
    private static void assertFirstSnapshotAfterStartUp(Path classLoads) throws IOException {
        String loads = Files.readString(classLoads);
        int shell = loads.indexOf(" org.apache.felix.gogo.shell.Activator ");
        int threadDump = loads.indexOf(" org.kmemdump.core.internal.ThreadDump ");
        assertTrue(shell >= 0 && threadDump >= 0, "both classes were loaded: " + classLoads);
        assertTrue(shell < threadDump, "the first threads snapshot ran before the shell started (its class at char " + threadDump
                + " of the class-load log, the shell's activator at " + shell + ")");
    }

    /** jstack-like: the heading of the snapshot it wrote, the runtime's writer thread, and the shell thread running the command. */
    private static void assertThreadsCommand(String text) {
        assertMatches(text, "(?m)^threads as of \\d{4}-\\d\\d-\\d\\dT\\S+Z \\(snapshot \\d+, on demand, took [\\d.]+ ms\\): \\d+ threads$");
        assertMatches(text, "(?m)^\"kmemdump-threads\" #\\d+ daemon prio=\\d+ cpu=[\\d.]+ms (TIMED_WAITING|WAITING|RUNNABLE)");
        assertMatches(text, "(?m)^\"[^\"]+\" #\\d+ .*RUNNABLE.*\n(\tat .*\n)*\tat org\\.kmemdump\\.core\\.internal\\.ThreadCommands\\.threads\\(ThreadCommands\\.java:\\d+\\)\n");
    }

    /** Declarative Services' view as the components zone holds it: the core's components, a count and the snapshot's time. */
    private static void assertComponentsCommand(String text) {
        for (String component : List.of("KmemdumpRuntime", "ThreadWatch", "KmemdumpCommands")) {
            assertMatches(text, "(?m)^\\[\\d+\\] kmemdump-core  org\\.kmemdump\\.core\\.internal\\." + component
                    + "  (ACTIVE|SATISFIED|UNSATISFIED_REFERENCE)$");
        }
        assertMatches(text, "(?m)^\\d+ components\nas of \\d{4}-\\S+Z \\(snapshot \\d+\\)$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kmemdump.jar", EQUINOX})
    void interactiveShellPromptsAndRunsWhatIsTypedUntilEndOfInput(String distribution) {
        try (Child runtime = startDistribution(distribution, " (interactive)")) {
            runtime.awaitStdout(0, PROMPT, CHILD_TIMEOUT);
            System.out.printf("[kmemdump] start to shell ready (interactive prompt): %d ms%n", runtime.elapsedMillis());

            String backends = command(runtime, "kmemdump:backends");
            assertDefaultBackendActive(backends, runtime);

            // end of input is how the Gogo shell is told to quit: it stops the framework
            runtime.closeStdin();
            assertEquals(LAUNCHER_STOPPED, runtime.awaitExit(CHILD_TIMEOUT),
                    "end of stdin should stop the framework\n" + runtime.describe());
            assertQuietStderr(runtime);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kmemdump.jar", EQUINOX})
    void headlessRuntimeEndsWith143OnSigterm(String distribution) {
        try (Child runtime = startDistribution(distribution, " (headless)", "-Dgosh.args=--nointeractive -c kmemdump:backends")) {
            runtime.awaitStdout(0, Pattern.compile("^ACTIVE\\s+NAME", Pattern.MULTILINE), CHILD_TIMEOUT);
            ProcessHandle.of(runtime.pid()).ifPresent(ProcessHandle::destroy);
            assertEquals(LAUNCHER_SIGTERM, runtime.awaitExit(CHILD_TIMEOUT), "SIGTERM should end the launcher with 143\n" + runtime.describe());
        }
    }

    @Test
    void operatorSwapsTheBackendAtRuntimeFromTargetBundles() {
        Path backend = bundlesDir.resolve("backend-default.jar");
        assertTrue(Files.isRegularFile(backend), "maven-dependency-plugin should copy the backend to " + backend);
        try (Child runtime = startRuntime("kmemdump.jar (operator)")) {
            runtime.awaitStdout(0, PROMPT, CHILD_TIMEOUT);

            command(runtime, "uninstall backend-default");
            assertNoBackend(command(runtime, "kmemdump:backends"), runtime);

            String installed = command(runtime, "install " + backend.toUri());
            Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
            assertTrue(id.find(), "install should print the new bundle's id\n" + runtime.describe());
            String bundleId = id.group(1);
            // installed but not started: it registers no service yet
            assertNoBackend(command(runtime, "kmemdump:backends"), runtime);

            command(runtime, "start " + bundleId);
            Map<String, String[]> backends = backendRows(command(runtime, "kmemdump:backends"));
            assertTrue(backends.containsKey("default"), "started backend missing\n" + runtime.describe());
            assertEquals("*", backends.get("default")[0], "the only backend must be active\n" + runtime.describe());
            assertEquals(bundleId, backends.get("default")[5], "the active backend must be the installed bundle\n"
                    + runtime.describe());
            assertTrue(command(runtime, "kmemdump:zones").contains("held by default"),
                    "zones should be handed to the new backend\n" + runtime.describe());

            command(runtime, "stop " + bundleId);
            assertNoBackend(command(runtime, "kmemdump:backends"), runtime);
            assertTrue(command(runtime, "kmemdump:zones").contains("registered, no backend"),
                    "zones should survive the backend going away\n" + runtime.describe());

            command(runtime, "uninstall " + bundleId);

            // the Log Service logged the first uninstall; the shell shows it from the log ring
            String log = command(runtime, "kmemdump:log");
            assertTrue(Pattern.compile("(?m)^\\S+Z INFO  backend-default \\[\\d+\\] BundleEvent UNINSTALLED$").matcher(log).find(),
                    "kmemdump:log should show the uninstall from the ring\n" + log + "\n" + runtime.describe());
            assertTrue(Pattern.compile("(?m)^20 of \\d+ records in the ring; \\d+ older ones overwritten$").matcher(log).find(),
                    "kmemdump:log shows 20 records by default\n" + log);
            String bundles = command(runtime, "lb");
            assertTrue(bundles.contains("kmemdump core") && !bundles.contains("kmemdump default backend"),
                    "lb should list the core and no default backend any more\n" + runtime.describe());

            runtime.send("stop 0");
            assertEquals(LAUNCHER_STOPPED, runtime.awaitExit(CHILD_TIMEOUT), runtime.describe());
            assertQuietStderr(runtime);
        }
    }

    @Test
    void dumpIsAnElfCoreThatReadelfAndGdbRead() {
        Path core = work.resolve("kmemdump.core");
        String stdout;
        try (Child runtime = startRuntime("kmemdump.jar (dump)",
                "-Dgosh.args=--nointeractive -c kmemdump:zones; kmemdump:dump \"" + core + "\"; stop 0")) {
            assertEquals(LAUNCHER_STOPPED, runtime.awaitExit(CHILD_TIMEOUT), runtime.describe());
            stdout = runtime.stdout();
            assertTrue(stdout.contains("wrote " + core + ": 9 zones, 9 ok, 0 lost"),
                    "kmemdump:dump should report 9 zones written\n" + runtime.describe());
            assertQuietStderr(runtime);
        }
        assertTrue(Files.isRegularFile(core), "no core file at " + core);
        String release = zoneRows(stdout).get(4)[1]; // the address of zone 4, release

        String elf = HostTools.readelf(core, work);
        assertMatches(elf, "Class:\\s+ELF64");
        assertMatches(elf, "Type:\\s+CORE \\(Core file\\)");
        assertMatches(elf, "Machine:\\s+" + Pattern.quote(HostTools.machine()));
        assertMatches(elf, "(?m)^\\s+NOTE\\s+0x");
        assertMatches(elf, "(?m)^\\s+LOAD\\s+0x[0-9a-f]+\\s+0x0*" + release + "\\s"); // the release zone is loaded
        assertMatches(elf, "(?m)^\\s+CORE\\s+0x[0-9a-f]+\\s+NT_PRSTATUS");
        assertMatches(elf, "(?m)^\\s+CORE\\s+0x[0-9a-f]+\\s+NT_PRPSINFO");
        assertMatches(elf, "(?m)^\\s+VMCOREINFO\\s+0x[0-9a-f]+\\s");

        String address = "0x" + release.replaceFirst("^0+", "");
        String gdb = HostTools.gdbString(core, address, work);
        Matcher string = Pattern.compile("(?m)^" + address + ":\\s+\"([^\"]*)\"").matcher(gdb);
        assertTrue(string.find(), "gdb should print the string at " + address + "\n" + gdb);
        assertTrue(string.group(1).startsWith("kmemdump-"),
                "the release zone should hold the release string, gdb read: " + string.group(1) + "\n" + gdb);
    }

    /** Sends one command and returns what it printed before the next prompt. */
    private static String command(Child runtime, String line) {
        int from = runtime.stdout().length();
        runtime.send(line);
        Matcher prompt = runtime.awaitStdout(from, PROMPT, CHILD_TIMEOUT);
        return runtime.stdout().substring(from, prompt.start());
    }

    /** Backends table rows by name: active mark, name, ranking, service id, bundle name, bundle id. */
    private static Map<String, String[]> backendRows(String text) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (Matcher row = BACKEND_ROW.matcher(text); row.find(); ) {
            rows.put(row.group(2), new String[] {row.group(1), row.group(2), row.group(3), row.group(4), row.group(5),
                    row.group(6)});
        }
        return rows;
    }

    /** Zones table rows by id: name, address (16 hex digits), size, owner, state. */
    private static Map<Integer, String[]> zoneRows(String text) {
        Map<Integer, String[]> rows = new LinkedHashMap<>();
        for (Matcher row = ZONE_ROW.matcher(text); row.find(); ) {
            rows.put(Integer.valueOf(row.group(1)), new String[] {row.group(2), row.group(3), row.group(4),
                    row.group(5), row.group(6).strip()});
        }
        return rows;
    }

    private static void assertDefaultBackendActive(String text, Child runtime) {
        Map<String, String[]> backends = backendRows(text);
        assertEquals(List.of("default"), List.copyOf(backends.keySet()),
                "exactly the default backend should be tracked\n" + runtime.describe());
        String[] row = backends.get("default");
        assertEquals("*", row[0], "the default backend should be marked active\n" + runtime.describe());
        assertEquals(String.valueOf(Integer.MIN_VALUE), row[2], "ranking\n" + runtime.describe());
        assertEquals("backend-default", row[4], "providing bundle\n" + runtime.describe());
    }

    private static void assertNoBackend(String backends, Child runtime) {
        assertTrue(backendRows(backends).isEmpty() && backends.contains("no backend"),
                "no backend should be tracked, got:\n" + backends + "\n" + runtime.describe());
    }

    private void assertRuntimeZones(String text, Child runtime) {
        Map<Integer, String[]> zones = zoneRows(text);
        Map<Integer, String> names = new LinkedHashMap<>();
        zones.forEach((id, row) -> names.put(id, row[0]));
        assertEquals(Map.of(1, "ELF", 2, "VMCOREINFO", 3, "config", 4, "release", 5, "banner", 6, "bundles", 7, "log", 8, "threads", 9, "components"),
                names,
                "the runtime's own zones\n" + runtime.describe());
        zones.forEach((id, row) -> {
            assertEquals("kmemdump-core", row[3], "owner of zone " + id + "\n" + runtime.describe());
            assertEquals("held by default", row[4], "state of zone " + id + "\n" + runtime.describe());
            assertTrue(Long.parseLong(row[1], 16) != 0 && Long.parseLong(row[2]) > 0,
                    "zone " + id + " needs an address and a size\n" + runtime.describe());
        });
        assertTrue(text.contains("\n9 zones"), "zone count line\n" + runtime.describe());
        assertTrue(text.contains("\narena: " + Runtimes.kmemdumpDirectory(work).resolve("arena") + ": 67108864 bytes"),
                "the persistent arena in the runtime's kmemdump directory\n" + runtime.describe());
    }

    /** Nothing on stderr: no launcher errors, no failed bundle starts, no Unsafe or native-access warnings. */
    private static void assertQuietStderr(Child runtime) {
        List<String> lines = runtime.stderr().lines()
                .filter(line -> !line.isBlank() && !line.startsWith("Picked up ")) // JAVA_TOOL_OPTIONS notes
                .toList();
        assertEquals(List.of(), lines, "stderr should be empty\n" + runtime.describe());
    }



    private static void assertMatches(String text, String regex) {
        assertTrue(Pattern.compile(regex).matcher(text).find(), "expected /" + regex + "/ in:\n" + text);
    }
}
