package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A collect that fails (exit 4) leaves none of its outputs: no core, no md_*.BIN. */
class AllOrNothingTest {
    @TempDir
    Path temp;

    @Test
    void failedCollectLeavesNoBins() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path core = temp.resolve("core.elf");
            Path bins = temp.resolve("bins");
            // while the zones are copied, a non-empty directory takes the core's name: its rename at the end fails
            Progress blocker = new Progress() {
                @Override
                public void start(long total) {
                }

                @Override
                public void advance(long bytes) {
                    try {
                        if (!Files.exists(core)) {
                            Files.createFile(Files.createDirectory(core).resolve("in-the-way"));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void finish() {
                }
            };
            Failure failure = assertThrows(Failure.class, () -> CoreCollection.collect(fixture.directory(), core, bins, blocker));

            assertEquals(Failure.Kind.OUTPUT, failure.kind(), failure.getMessage());
            assertEquals(List.of(), list(bins), "a failed collect left outputs");
            assertEquals(List.of("in-the-way"), list(core));
        }
    }

    private static List<String> list(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
