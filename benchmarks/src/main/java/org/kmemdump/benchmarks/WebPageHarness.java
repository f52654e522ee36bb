package org.kmemdump.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kmemdump.format.CrashEntry;

/**
 * Times the Web Console page {@code kmemdump} of {@code kmemdump-web.jar} showing 200 zones (the
 * zone-consumer bundle fills every free id) and {@value #CRASHES} collected crashes (a SIGKILLed
 * run's files, plus {@value #CRASHES}-1 copies of them, each collected by the runtime at start),
 * against the Web Console's own bundles page in the same process, alternating the two: the time
 * from sending the request until the whole page was read (median and range), and the process's CPU
 * per request (from {@code /proc/PID/stat}, over all rounds).
 *
 * <pre>java -cp benchmarks.jar org.kmemdump.benchmarks.WebPageHarness features/target/kmemdump-web.jar features/target/test-bundles/zone-consumer.jar [rounds] [timeout-seconds]</pre>
 */
public final class WebPageHarness {
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "web page: ratio ";
    static final int CRASHES = 10;
    private static final String LOGIN = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
    private static final Pattern ZONES = Pattern.compile("(\\d+) zones; active backend");
    private static final Pattern CRASH_LINKS = Pattern.compile("/crash/[^/\"]+/core\\.elf\">");
    private static final long CLOCK_TICK_NS = 10_000_000L; // USER_HZ 100 on Linux

    private WebPageHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: WebPageHarness <kmemdump-web.jar> <zone-consumer.jar> [rounds, default 50] [timeout seconds, default 120]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path consumer = Path.of(args[1]).toAbsolutePath();
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int timeout = args.length > 3 ? Integer.parseInt(args[3]) : 120;
        for (Path file : List.of(jar, consumer)) {
            if (!Files.isRegularFile(file)) {
                System.err.println("WebPageHarness: no such jar: " + file);
                System.exit(2);
            }
        }
        Path dir = Scratch.directory("kmemdump-webpage-");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeout)).build();
        try {
            int port = freePort();
            String console = "http://127.0.0.1:" + port + "/system/console/";
            Process killed = start(jar, dir, port, null);
            try {
                await(http, console + "kmemdump", timeout, page -> page.contains("kmemdump-status"));
            } finally {
                CrashStartupHarness.stop(killed);
            }
            copyCrashes(dir.resolve("kmemdump"));
            Process child = start(jar, dir, port, consumer);
            try {
                String page = await(http, console + "kmemdump", timeout, text -> zones(text) == 200 && count(CRASH_LINKS, text) == CRASHES);
                System.out.printf("web page: %s, %d zones and %d collected crashes against the console's bundles page, %d rounds, alternated%n",
                        jar, zones(page), count(CRASH_LINKS, page), rounds);
                double[] kmemdump = new double[rounds];
                double[] bundles = new double[rounds];
                long kmemdumpCpu = 0;
                long bundlesCpu = 0;
                for (int round = 0; round < rounds; round++) {
                    long cpu = cpuTicks(child);
                    kmemdump[round] = timed(http, console + "kmemdump");
                    long between = cpuTicks(child);
                    bundles[round] = timed(http, console + "bundles");
                    kmemdumpCpu += between - cpu;
                    bundlesCpu += cpuTicks(child) - between;
                }
                double pageMedian = CrashStartupHarness.median(kmemdump);
                double baseline = CrashStartupHarness.median(bundles);
                System.out.printf(RESULT + "%.2f x, kmemdump page (200 zones, %d crashes) vs bundles page: %.1f vs %.1f ms (ranges %.1f-%.1f vs "
                        + "%.1f-%.1f ms; medians of %d); process CPU per request %.1f vs %.1f ms (10 ms ticks, summed over the rounds)%n",
                        pageMedian / baseline, CRASHES, pageMedian, baseline, CrashStartupHarness.min(kmemdump), CrashStartupHarness.max(kmemdump),
                        CrashStartupHarness.min(bundles), CrashStartupHarness.max(bundles), rounds,
                        kmemdumpCpu * CLOCK_TICK_NS / 1e6 / rounds, bundlesCpu * CLOCK_TICK_NS / 1e6 / rounds);
            } finally {
                CrashStartupHarness.stop(child);
            }
        } finally {
            Scratch.delete(dir);
        }
    }

    /** {@value #CRASHES}-1 entries copied from the killed run's files, which the next start moves into the store as the last one. */
    private static void copyCrashes(Path kmemdump) throws IOException, InterruptedException {
        Path crashes = Files.createDirectories(kmemdump.resolve(CrashEntry.CRASHES));
        List<Path> runFiles = CrashStartupHarness.runFiles(kmemdump);
        for (int i = 0; i < CRASHES - 1; i++) {
            Path entry = Files.createDirectory(crashes.resolve(CrashEntry.id(1_764_633_600_000L + i * 1000L, 100_000 + i)));
            for (Path file : runFiles) {
                CrashStartupHarness.copySparse(file, entry.resolve(file.getFileName()));
            }
        }
    }

    private static Process start(Path jar, Path dir, int port, Path consumer) throws IOException {
        Path kmemdump = Files.createDirectories(dir.resolve("kmemdump"));
        Files.setPosixFilePermissions(kmemdump, PosixFilePermissions.fromString("rwx------"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = consumer == null ? "--nointeractive" : "--nointeractive -c start file:" + consumer;
        Process child = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir, "-Dkmemdump.directory=" + kmemdump, "-Dorg.osgi.service.http.port=" + port,
                "-Dkmemdump.consumer.fill=true", "-Dgosh.args=" + script, "-jar", jar.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("runtime-" + System.nanoTime() + ".log").toFile())
                .start();
        child.getOutputStream().close();
        return child;
    }

    /** @return the page, once it answers and satisfies {@code ready} */
    private static String await(HttpClient http, String url, int timeoutSeconds, java.util.function.Predicate<String> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(request(url), HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && ready.test(response.body())) {
                    return response.body();
                }
            } catch (IOException notYet) {
                // Jetty is not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("WebPageHarness: " + url + " not ready within " + timeoutSeconds + " s; last answer: "
                + zones(last) + " zones, " + count(CRASH_LINKS, last) + " crash cores: " + last.substring(Math.max(0, last.indexOf("<div id='content'>"))));
    }

    /** @return milliseconds until the whole page was read */
    private static double timed(HttpClient http, String url) throws Exception {
        long begin = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request(url), HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - begin) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebPageHarness: " + url + " answered " + response.statusCode());
        }
        return millis;
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", LOGIN).timeout(Duration.ofSeconds(60)).build();
    }

    /** @return the process's user and system CPU in clock ticks, fields 14 and 15 of /proc/PID/stat */
    private static long cpuTicks(Process process) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static int zones(String page) {
        Matcher zones = ZONES.matcher(page);
        return zones.find() ? Integer.parseInt(zones.group(1)) : -1;
    }

    private static int count(Pattern pattern, String text) {
        return (int) pattern.matcher(text).results().count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
