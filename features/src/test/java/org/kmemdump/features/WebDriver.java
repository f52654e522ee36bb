package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven through {@code chromedriver} with the W3C WebDriver protocol
 * over {@link HttpClient}: enough of it (navigate, run a script, screenshot) that the tests need no
 * browser library. The flags are those that work on this machine as root with no network.
 */
final class WebDriver implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SESSION = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"");
    private static final String STRING_VALUE = "{\"value\":\"";

    private final Child driver;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String session;

    private WebDriver(Child driver, String base, Path profile) throws IOException, InterruptedException {
        this.driver = driver;
        this.base = base;
        awaitReady();
        List<String> args = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                "--user-data-dir=" + profile);
        String capabilities = "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\",\"goog:chromeOptions\":{\"binary\":\""
                + CHROMIUM + "\",\"args\":[" + String.join(",", args.stream().map(WebDriver::quote).toList()) + "]}}}}";
        Matcher id = SESSION.matcher(call("POST", "/session", capabilities));
        if (!id.find()) {
            fail("chromedriver made no session\n" + driver.describe());
        }
        session = id.group(1);
    }

    /** Starts chromedriver on a free port and a new Chromium session with a fresh profile under {@code work}. */
    static WebDriver start(Path work) throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            fail("no " + CHROMIUM + " or " + CHROMEDRIVER + ": apt-get install chromium chromium-driver (.ci/run does)");
        }
        int port = freePort();
        Child driver = Child.start("chromedriver", List.of(CHROMEDRIVER.toString(), "--port=" + port), work);
        return new WebDriver(driver, "http://127.0.0.1:" + port, Files.createDirectories(work.resolve("chromium-profile")));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void open(String url) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/url", "{\"url\":" + quote(url) + "}");
    }

    /** @return what the script returns, as a string (the script must return one) */
    String script(String body) throws IOException, InterruptedException {
        return stringValue(call("POST", "/session/" + session + "/execute/sync", "{\"script\":" + quote(body) + ",\"args\":[]}"));
    }

    void screenshot(Path png) throws IOException, InterruptedException {
        String base64 = stringValue(call("GET", "/session/" + session + "/screenshot", null));
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode(base64));
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (call("GET", "/status", null).contains("\"ready\":true")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("chromedriver not ready\n" + driver.describe());
    }

    private String call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            fail("WebDriver " + method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                default -> json.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return json.append('"').toString();
    }

    /** @return the string of a WebDriver answer {@code {"value":"..."}} (a script's result, a screenshot's base64) */
    private static String stringValue(String response) {
        String json = response.strip();
        if (!json.startsWith(STRING_VALUE) || !json.endsWith("\"}")) {
            fail("WebDriver answered no string: " + json.substring(0, Math.min(json.length(), 2000)));
        }
        return unquote(json.substring(STRING_VALUE.length(), json.length() - 2));
    }

    private static String unquote(String json) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                text.append(c);
                continue;
            }
            char escaped = json.charAt(++i);
            switch (escaped) {
                case 'n' -> text.append('\n');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> text.append(escaped);
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        try {
            call("DELETE", "/session/" + session, null);
        } catch (IOException | InterruptedException | AssertionError e) {
            // the driver's end below ends the browser too
        } finally {
            driver.close();
        }
    }
}
