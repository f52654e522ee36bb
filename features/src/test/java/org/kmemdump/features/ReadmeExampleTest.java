package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * README's "Use it from your own bundle" quotes the example consumer's component: the quote is the
 * source the reactor builds and the in-framework tests run, from {@code @Component} to the end.
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
    private static final String SECTION = "## Use it from your own bundle";

    @Test
    void theReadmesComponentIsTheExampleConsumersSource() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf(SECTION);
        assertTrue(section >= 0, "README.md has no section '" + SECTION + "'");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String quoted = readme.substring(start, readme.indexOf("```\n", start));

        String source = Files.readString(ROOT.resolve("example-consumer/src/main/java/org/kmemdump/example/RequestLog.java"));
        assertEquals(source.substring(source.indexOf("@Component(")), quoted);
    }
}
