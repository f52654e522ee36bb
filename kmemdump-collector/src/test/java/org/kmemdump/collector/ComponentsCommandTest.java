package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.ComponentsText.Component;
import org.kmemdump.format.ComponentsText.Components;
import org.kmemdump.format.ComponentsText.Reference;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.SnapshotBuffers;

/**
 * {@code components} and the snapshot line of {@code inspect}: the newest whole snapshot of zone
 * 9, with its time; and on untrusted input (every header byte flipped, a sample of buffer bytes,
 * absurd lengths, text that is not the line syntax, no zone) one line of error or a snapshot that
 * was really written, never a stack trace or a hang.
 */
class ComponentsCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Integer> ALLOWED = Set.of(ExitCode.OK.code(), ExitCode.BAD_INPUT.code());
    private static final long T0 = 1_704_164_645_006L;
    private static final Components FIRST = new Components(List.of(
            new Component(12, "org.example.app", "org.example.Waiting", "UNSATISFIED_REFERENCE", "",
                    List.of(new Reference("store", "org.example.Store", "(name=main)")))), "", 0);
    private static final Components SECOND = new Components(List.of(
            new Component(12, "org.example.app", "org.example.Broken", "FAILED_ACTIVATION", "Constructor threw: no database",
                    List.of())), "", 0);

    @TempDir
    Path temp;

    private record Written(DumpFixture fixture, MemorySegment zone) {
    }

    private Written twoSnapshots() throws Exception {
        DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead());
        MemorySegment zone = fixture.addArenaZone(KnownZones.COMPONENTS, KnownZones.COMPONENTS_NAME, 1024).memory();
        SnapshotBuffers snapshot = SnapshotBuffers.create(zone, SnapshotBuffers.Content.COMPONENTS);
        snapshot.write(T0, ComponentsText.write(FIRST, snapshot.capacity()));
        snapshot.write(T0 + 1000, ComponentsText.write(SECOND, snapshot.capacity()));
        return new Written(fixture, zone);
    }

    private static CollectorRun components(Path directory, String what) {
        CollectorRun run = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("components", directory.toString()), what);
        CollectorRun inspect = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("inspect", directory.toString()), what);
        for (CollectorRun each : List.of(run, inspect)) {
            assertFalse(each.err().contains("Exception") || each.err().contains("at org.") || each.err().contains("at java."),
                    what + ": " + each);
            assertTrue(each.err().lines().count() <= 1, what + ": " + each);
        }
        assertTrue(ALLOWED.contains(run.exitCode()), what + ": " + run);
        assertTrue(inspect.out().contains("components: "), what + ": " + inspect);
        return run;
    }

    @Test
    void theNewestSnapshotWithItsTime() throws Exception {
        Written written = twoSnapshots();
        try (DumpFixture fixture = written.fixture()) {
            CollectorRun run = components(fixture.directory(), "intact");
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            List<String> lines = run.out().lines().toList();
            assertEquals(List.of("[12] org.example.app  org.example.Broken  FAILED_ACTIVATION",
                    "    failure: Constructor threw: no database", "1 components"), lines.subList(0, 3), run.toString());
            assertTrue(lines.get(3).startsWith("snapshot 2 taken 2024-01-02T03:04:06.006Z, ") && lines.get(3).endsWith(", dead"),
                    run.toString());
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertTrue(inspect.out().contains("components: snapshot 2 taken 2024-01-02T03:04:06.006Z, "), inspect.toString());
            assertTrue(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out()
                    .contains("{\"zone\":\"components\",\"sequence\":2,\"timeMs\":" + (T0 + 1000)), "json");
        }
    }

    @Test
    void aRewriteTornByAKillShowsThePreviousSnapshot() throws Exception {
        Written written = twoSnapshots();
        try (DumpFixture fixture = written.fixture()) {
            long buffer0 = SnapshotBuffers.HEADER_LENGTH; // snapshot 2's buffer
            written.zone().set(ValueLayout.JAVA_BYTE, buffer0 + SnapshotBuffers.BUFFER_HEADER + 3, (byte) '#');
            CollectorRun run = components(fixture.directory(), "torn");
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertTrue(run.out().startsWith("[12] org.example.app  org.example.Waiting  UNSATISFIED_REFERENCE\n"
                    + "    waits for: store org.example.Store (name=main)\n"), run.toString());
            assertTrue(run.out().contains("snapshot 1 taken"), run.toString());
        }
    }

    @Test
    void everyHeaderByteFlippedAndASampleOfTheBuffers() throws Exception {
        Written written = twoSnapshots();
        MemorySegment zone = written.zone();
        try (DumpFixture fixture = written.fixture()) {
            for (long at = 0; at < zone.byteSize(); at += at < SnapshotBuffers.HEADER_LENGTH + 2 * SnapshotBuffers.BUFFER_HEADER ? 1 : 13) {
                String what = "byte " + at + " bit " + at % 8;
                CollectorRun run = withByte(zone, at, (byte) (zone.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                        () -> components(fixture.directory(), what));
                if (run.exitCode() == ExitCode.OK.code()) {
                    assertTrue(run.out().contains("snapshot 2 taken") || run.out().contains("snapshot 1 taken"), what + ": " + run);
                } else {
                    assertEquals("", run.out(), what + ": " + run);
                }
            }
        }
    }

    @Test
    void absurdLengthsAndTextThatIsNotTheSyntax() throws Exception {
        Written written = twoSnapshots();
        MemorySegment zone = written.zone();
        try (DumpFixture fixture = written.fixture()) {
            MemorySegment copy = MemorySegment.ofArray(zone.toArray(ValueLayout.JAVA_BYTE));
            zone.set(LittleEndian.U64, SnapshotBuffers.BUFFER_CAPACITY, Long.MAX_VALUE & ~7L);
            CollectorRun run = components(fixture.directory(), "capacity");
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("buffer_capacity"), run.toString());
            zone.copyFrom(copy);

            for (long buffer : new long[] {SnapshotBuffers.HEADER_LENGTH, SnapshotBuffers.HEADER_LENGTH + SnapshotBuffers.BUFFER_HEADER
                    + SnapshotBuffers.open(zone, SnapshotBuffers.Content.COMPONENTS, "z").capacity()}) {
                zone.set(LittleEndian.U32, buffer + SnapshotBuffers.B_PAYLOAD_LENGTH, Integer.MAX_VALUE);
            }
            run = components(fixture.directory(), "lengths");
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("holds no whole snapshot"), run.toString());
            zone.copyFrom(copy);

            assertEquals(3, SnapshotBuffers.open(zone, SnapshotBuffers.Content.COMPONENTS, "z").write(T0 + 2000,
                    "component\tnot a number\tb\tn\tACTIVE\n"));
            run = components(fixture.directory(), "syntax");
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("snapshot 3: line 1: 'not a number' is not a count or bundle id"), run.toString());
        }
    }

    @Test
    void noComponentsZone() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            CollectorRun run = components(fixture.directory(), "no zone");
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("lists no zone 9 (components)"), run.toString());
        }
    }

    private static CollectorRun withByte(MemorySegment segment, long at, byte value, Supplier<CollectorRun> action) {
        byte saved = segment.get(ValueLayout.JAVA_BYTE, at);
        segment.set(ValueLayout.JAVA_BYTE, at, value);
        try {
            return action.get();
        } finally {
            segment.set(ValueLayout.JAVA_BYTE, at, saved);
        }
    }
}
