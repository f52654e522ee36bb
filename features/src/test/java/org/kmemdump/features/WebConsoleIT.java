package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.CrashEntry;

/**
 * {@code kmemdump-web.jar} as an operator's browser sees it: a real child JVM (its second run on a
 * directory whose first run was SIGKILLed, so the crash store has an entry) with the minidump backend
 * and a sensitive zone, and Debian's headless Chromium through chromedriver. A screenshot of each step
 * goes to {@code target/screenshots/}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebConsoleIT {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern PROMPT = Pattern.compile("g! ");
    private static final Path WEB = Path.of(System.getProperty("kmemdump.web.jar", "target/kmemdump-web.jar")).toAbsolutePath();
    private static final Path KMEMDUMP = Path.of(System.getProperty("kmemdump.jar", "target/kmemdump.jar")).toAbsolutePath();
    private static final Path BUNDLES = Path.of(System.getProperty("kmemdump.bundles", "target/bundles")).toAbsolutePath();
    private static final Path TEST_BUNDLES = Path.of(System.getProperty("kmemdump.test.bundles", "target/test-bundles")).toAbsolutePath();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
    private static final String SECRET = "web-secret-4711";
    /** Web Console's own default login. */
    private static final String LOGIN = "admin:admin";
    private static final Pattern GOGO_ZONE = Pattern.compile("(?m)^\\s*(\\d+)\\s+(\\S+)\\s+(0x[0-9a-f]{16})\\s+(\\d+)\\s");

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CHILD_TIMEOUT).build();

    @Test
    void thePageShowsTheRegistryPinsBackendsAndHandsOutCoresButNoSensitiveBytes() throws Exception {
        aFirstRunKilled();
        int port = WebDriver.freePort();
        try (Child runtime = Runtimes.start("kmemdump-web.jar", WEB, work, "-Dorg.osgi.service.http.port=" + port, "-Dkmemdump.burst=false",
                "-Dkmemdump.consumer.secret=" + SECRET)) {
            runtime.awaitStdout(0, PROMPT, CHILD_TIMEOUT);
            command(runtime, "start file:" + BUNDLES.resolve("backend-minidump.jar"));
            command(runtime, "start file:" + TEST_BUNDLES.resolve("zone-consumer.jar"));
            String page = "http://127.0.0.1:" + port + "/system/console/kmemdump";
            String crashId = awaitCollected();
            awaitListening(page);
            command(runtime, "start file:" + TEST_BUNDLES.resolve("log-burst.jar"));
            assertTrue(awaitPage(page, "hello 3").contains("a known failure, ${appRoot} unresolved"),
                    "a log record is shown as logged: the console's placeholders in it are not resolved");

            assertEquals(401, get(page, null).statusCode(), "a request without credentials is refused");
            assertEquals(401, get(page, "admin:wrong").statusCode(), "a wrong password is refused");

            try (WebDriver browser = WebDriver.start(work)) {
                browser.open(page.replace("http://", "http://" + LOGIN + "@"));
                browser.screenshot(SCREENSHOTS.resolve("WebConsoleIT-page.png"));
                assertEquals("kmemdump", browser.script("return document.querySelector('#kmemdump-status') ? 'kmemdump' : document.body.innerText;"),
                        "the page after login");
                assertEquals(gogoZones(command(runtime, "kmemdump:zones")), pageZones(browser), "the zone table is the registry's");

                String keys = browser.script("return [...document.querySelectorAll('#kmemdump-zones tr')]"
                        + ".filter(r => r.innerText.includes('consumer-keys')).map(r => r.innerText + ' links:' + r.querySelectorAll('a').length).join('');");
                assertTrue(keys.contains("yes") && keys.endsWith("links:0"), "the sensitive zone is listed, with no download: " + keys);

                assertEquals("minidump", active(browser), "the highest ranking first");
                browser.script("document.querySelector('#kmemdump-backends input[type=submit][value=\"Pin default\"]').click(); return '';");
                awaitActive(browser, "default");
                browser.screenshot(SCREENSHOTS.resolve("WebConsoleIT-pinned.png"));
                assertTrue(browser.script("return document.querySelector('#kmemdump-status').innerText;").contains("pinned: default"));
                assertTrue(command(runtime, "kmemdump:backends").contains("pinned by configuration: default"), "the core has the pin");

                HttpResponse<String> refused = post(page, "action=pin&backend=nosuch");
                assertEquals(400, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("no backend named 'nosuch' is tracked"), refused.body());
                assertTrue(command(runtime, "kmemdump:backends").contains("pinned by configuration: default"), "a refused pin changes nothing");
                HttpResponse<String> crossSite = post(page, "action=unpin", "http://attacker.example");
                assertEquals(403, crossSite.statusCode(), crossSite.body());
                assertTrue(command(runtime, "kmemdump:backends").contains("pinned by configuration: default"),
                        "a POST another site's page made the browser send changes nothing");

                browser.open(page.replace("http://", "http://" + LOGIN + "@"));
                browser.script("document.querySelector('input[type=submit][value^=\"Unpin\"]').click(); return '';");
                awaitActive(browser, "minidump");
                assertFalse(command(runtime, "kmemdump:backends").contains("pinned by configuration"), "unpinned");

                String coreLink = browser.script("return [...document.querySelectorAll('#kmemdump-crashes a')]"
                        + ".map(a => a.getAttribute('href')).find(h => h.endsWith('/" + crashId + "/core.elf')) || 'none';");
                browser.screenshot(SCREENSHOTS.resolve("WebConsoleIT-unpinned.png"));
                Path core = download("http://127.0.0.1:" + port + coreLink, work.resolve("crash-core.elf"));
                assertTrue(HostTools.readelf(core, work).contains("Type:                              CORE (Core file)"), "readelf -h of the crash core");

                Path live = download(page + "/live/core.elf", work.resolve("live-core.elf"));
                assertTrue(HostTools.readelf(live, work).contains("CORE (Core file)"));
                assertFalse(new String(Files.readAllBytes(live), StandardCharsets.ISO_8859_1).contains(SECRET), "the live core has no sensitive bytes");
            }
            for (String forged : List.of("/live/core.elf?include-sensitive=true", "/crash/" + crashId + "/arena", "/crash/..%2F..%2Farena/core.elf",
                    "/crash/../../kmemdump/arena", "/zone/" + 200)) {
                HttpResponse<byte[]> response = http.send(request(page + forged, LOGIN).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertTrue(response.statusCode() >= 400, forged + ": " + response.statusCode());
                assertFalse(new String(response.body(), StandardCharsets.ISO_8859_1).contains(SECRET), forged);
            }
            runtime.send("stop 0");
            runtime.awaitExit(CHILD_TIMEOUT);
        }
    }

    /** A first run of the same directory, SIGKILLed once up: the second run's crash store gets its entry. */
    private void aFirstRunKilled() {
        try (Child first = Runtimes.start("kmemdump.jar (first run, killed)", KMEMDUMP, work)) {
            first.awaitStdout(0, PROMPT, CHILD_TIMEOUT);
            first.kill();
        }
    }

    /** @return the id of the crash entry, once the second run's automatic collection has summarized it */
    private String awaitCollected() throws InterruptedException {
        Path crashes = Runtimes.kmemdumpDirectory(work).resolve(CrashEntry.CRASHES);
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (var entries = Files.list(crashes)) {
                var collected = entries.filter(entry -> Files.isRegularFile(entry.resolve(CrashEntry.SUMMARY_JSON))).findFirst();
                if (collected.isPresent()) {
                    return collected.get().getFileName().toString();
                }
            } catch (IOException notYet) {
                // the store is made at start
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the first run's crash was never collected in " + crashes);
    }

    private void awaitListening(String page) throws InterruptedException {
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(page, LOGIN).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Jetty not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(page + " never answered 200");
    }

    /** @return the page once it contains {@code text} */
    private String awaitPage(String page, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        String body = get(page, LOGIN).body();
        while (!body.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            body = get(page, LOGIN).body();
        }
        assertTrue(body.contains(text), "the page never showed '" + text + "':\n" + body);
        return body;
    }

    private static List<String> gogoZones(String table) {
        List<String> zones = new ArrayList<>();
        for (Matcher row = GOGO_ZONE.matcher(table); row.find(); ) {
            zones.add(row.group(1) + " " + row.group(2) + " " + row.group(3) + " " + row.group(4));
        }
        return zones;
    }

    private static List<String> pageZones(WebDriver browser) throws IOException, InterruptedException {
        return List.of(browser.script("return [...document.querySelectorAll('#kmemdump-zones tbody tr')].map(r => "
                + "[...r.cells].slice(0, 4).map(c => c.innerText).join(' ')).join('\\n');").split("\n"));
    }

    private static String active(WebDriver browser) throws IOException, InterruptedException {
        return browser.script("const a = document.querySelector('#kmemdump-active'); return a ? a.innerText : 'no page';");
    }

    private static void awaitActive(WebDriver browser, String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (!active(browser).equals(name)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never said " + name + " is active: "
                        + browser.script("return document.body.innerText;"));
            }
            Thread.sleep(100);
        }
    }

    private Path download(String url, Path file) throws IOException, InterruptedException {
        HttpResponse<Path> response = http.send(request(url, LOGIN).build(), HttpResponse.BodyHandlers.ofFile(file));
        assertEquals(200, response.statusCode(), url + ": " + Files.readString(file, StandardCharsets.ISO_8859_1));
        return file;
    }

    private HttpResponse<String> get(String url, String login) throws IOException, InterruptedException {
        return http.send(request(url, login).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String form) throws IOException, InterruptedException {
        return post(url, form, null);
    }

    /** A POST with the login, as a browser sends one from a page of {@code origin} (none: not from a page). */
    private HttpResponse<String> post(String url, String form, String origin) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(url, LOGIN).header("Content-Type", "application/x-www-form-urlencoded");
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String url, String login) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(CHILD_TIMEOUT);
        return login == null ? request : request.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
    }

    private static String command(Child runtime, String line) {
        int from = runtime.stdout().length();
        runtime.send(line);
        Matcher prompt = runtime.awaitStdout(from, PROMPT, CHILD_TIMEOUT);
        return runtime.stdout().substring(from, prompt.start());
    }
}
