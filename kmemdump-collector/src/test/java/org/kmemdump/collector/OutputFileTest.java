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

    /** Linux allows 255 bytes in a name: the temporary name of a target with as many still fits. */
    @Test
    void aTargetWithTheLongestNameAllowedIsWritten() throws Exception {
        for (String name : List.of("c".repeat(255), "\u00e9".repeat(127), "x" + "\ud83d\ude00".repeat(63) + "ab")) {
            Path target = temp.resolve(name);
            try (OutputFile file = OutputFile.create(target)) {
                file.write(ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)));
                file.commit();
            }
            assertEquals(name, Files.readString(target));
            OutputFile.deleteLeftovers(target); // the cut name is matched, and no leftover is there
            assertEquals(List.of(target), list());
            Files.delete(target);
        }
    }

    @Test
    void theLeftoversOfALongNameAreFoundUnderItsCutName() throws Exception {
        Path target = temp.resolve("d".repeat(255));
        Path leftover = Files.writeString(temporary(target, 7), "a killed writer's");
        Path unrelated = Files.writeString(temp.resolve(".d." + ProcessHandle.current().pid() + ".7.part"), "another target's");

        OutputFile.deleteLeftovers(target);

        assertEquals(List.of(unrelated), list(), "left over: " + leftover.getFileName());
    }

    /** @return the number the next temporary file of this process will have: one more than a file made and discarded now */
    private long nextNumber(Path target) throws Exception {
        try (OutputFile probe = OutputFile.create(target)) {
            List<Path> parts = list().stream().filter(path -> path.getFileName().toString().endsWith(".part")).toList();
            assertEquals(1, parts.size(), parts.toString());
            String name = parts.get(0).getFileName().toString();
            String prefix = "." + cut(target.getFileName().toString()) + "." + ProcessHandle.current().pid() + ".";
            assertTrue(name.startsWith(prefix), name);
            return Long.parseLong(name.substring(prefix.length(), name.length() - ".part".length())) + 1;
        }
    }

    private static Path temporary(Path target, long number) {
        return target.resolveSibling("." + cut(target.getFileName().toString()) + "." + ProcessHandle.current().pid() + "." + number + ".part");
    }

    /** The test's names are ASCII: at most 218 bytes of the target's name go into a temporary name. */
    private static String cut(String asciiName) {
        return asciiName.substring(0, Math.min(asciiName.length(), 218));
    }

    private List<Path> list() throws Exception {
        try (var files = Files.list(temp)) {
            return files.sorted().toList();
        }
    }
}
