package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output's temporary file: made by name beside the target, never over something already there. */
class OutputFileTest {
    @TempDir
    Path temp;

    @Test
    void whatLiesAtTheNextTemporaryNamesIsNeitherFollowedNorOverwritten() throws Exception {
        Path target = temp.resolve("core.elf");
        long next = nextNumber(target);
        Path victim = Files.writeString(temp.resolve("victim"), "keep");
        Files.createSymbolicLink(temporary(target, next), victim);
        Files.writeString(temporary(target, next + 1), "a killed writer's leftover");

        try (OutputFile file = OutputFile.create(target)) {
            file.write(ByteBuffer.wrap("core".getBytes(StandardCharsets.US_ASCII)));
            file.commit();
        }

        assertEquals("core", Files.readString(target));
        assertEquals("keep", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(temporary(target, next)));
        assertEquals("a killed writer's leftover", Files.readString(temporary(target, next + 1)));
    }

    @Test
    void whenEveryNameItTriesIsTakenItSaysSoAndCreatesNothing() throws Exception {
        Path target = temp.resolve("core.elf");
        long next = nextNumber(target);
        for (long taken = next; taken < next + 200; taken++) {
            Files.createFile(temporary(target, taken));
        }
        List<Path> before = list();

        Failure failure = assertThrows(Failure.class, () -> OutputFile.create(target));

        assertEquals(Failure.Kind.OUTPUT, failure.kind());
        assertTrue(failure.getMessage().startsWith(target + ": cannot create a file in " + temp + ": 100 temporary names in a row"), failure.getMessage());
        assertEquals(before, list());
        assertFalse(Files.exists(target));
    }

    /** @return the number the next temporary file of this process will have: one more than a file made and discarded now */
    private long nextNumber(Path target) throws Exception {
        try (OutputFile probe = OutputFile.create(target)) {
            List<Path> parts = list().stream().filter(path -> path.getFileName().toString().endsWith(".part")).toList();
            assertEquals(1, parts.size(), parts.toString());
            String name = parts.get(0).getFileName().toString();
            String prefix = "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".";
            assertTrue(name.startsWith(prefix), name);
            return Long.parseLong(name.substring(prefix.length(), name.length() - ".part".length())) + 1;
        }
    }

    private static Path temporary(Path target, long number) {
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "." + number + ".part");
    }

    private List<Path> list() throws Exception {
        try (var files = Files.list(temp)) {
            return files.sorted().toList();
        }
    }
}
