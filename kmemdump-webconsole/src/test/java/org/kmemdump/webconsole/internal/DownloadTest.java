package org.kmemdump.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.CrashEntry;

/** The page's downloads: only the four files of an entry the store lists, and the live core; everything else refused. */
class DownloadTest {
    private static final String ID = CrashEntry.id(1_700_000_000_000L, 42);

    @TempDir
    Path directory;

    @Test
    void aListedEntrysCoreIsOfferedUnderItsIdAndTheLiveCoreHasNoFile() throws IOException, Download.Refused {
        Path entry = Files.createDirectories(directory.resolve(CrashEntry.CRASHES).resolve(ID));
        Files.writeString(entry.resolve(CrashEntry.CORE), "core");
        assertEquals(new Download(entry.resolve(CrashEntry.CORE), ID + "-core.elf"), Download.of("/crash/" + ID + "/core.elf", directory));
        assertTrue(Download.of("/live/core.elf", directory).live());
    }

    @Test
    void everyOtherPathIsRefusedSayingWhy() throws IOException {
        Path entry = Files.createDirectories(directory.resolve(CrashEntry.CRASHES).resolve(ID));
        Files.writeString(entry.resolve("arena"), "raw run file, may hold sensitive zones");
        assertRefused(400, "not a crash id: '..'", "/crash/../core.elf");
        assertRefused(404, "a crash entry offers only core.elf, fatal.elf, summary.txt, summary.json, not 'arena'", "/crash/" + ID + "/arena");
        assertRefused(404, "crash " + ID + " has no summary.txt", "/crash/" + ID + "/summary.txt");
        assertRefused(404, "no crash " + CrashEntry.id(1_700_000_000_001L, 43) + " in the crash store",
                "/crash/" + CrashEntry.id(1_700_000_000_001L, 43) + "/core.elf");
        for (String path : new String[] {"/zone/200", "/live/arena", "/crash/" + ID + "/core.elf/x", "/"}) {
            assertEquals(404, assertThrows(Download.Refused.class, () -> Download.of(path, directory)).status, path);
        }
    }

    @Test
    void namesAreEscapedInTextAndAttributes() {
        assertEquals("&lt;b onclick=&quot;x&#39;&quot;&gt;&amp;", PageHtml.escape("<b onclick=\"x'\">&"));
    }

    private void assertRefused(int status, String message, String path) {
        Download.Refused refused = assertThrows(Download.Refused.class, () -> Download.of(path, directory));
        assertEquals(status, refused.status, path);
        assertEquals(message, refused.getMessage(), path);
    }
}
