package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.LogRing.Level;

/** {@code log} shows an exception's causes, each on an indented "caused by:" line under the exception's. */
class LogCausesTest {
    @TempDir
    Path temp;

    @Test
    void causesFollowTheirException() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            fixture.logRing(4096).append(1_704_164_645_006L, 3, Level.ERROR, "org.apache.felix.scr", "constructor threw",
                    "java.lang.reflect.InvocationTargetException at jdk.internal.X.newInstance(X.java:1)\n"
                            + "java.lang.IllegalStateException: no database at org.example.Broken.<init>(Broken.java:9)\n"
                            + "java.io.IOException: refused\u001b at org.example.Db.open(Db.java:3)");
            CollectorRun run = CollectorRun.of("log", fixture.directory().toString());
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(List.of("2024-01-02T03:04:05.006Z ERROR org.apache.felix.scr [3] constructor threw",
                    "    java.lang.reflect.InvocationTargetException at jdk.internal.X.newInstance(X.java:1)",
                    "      caused by: java.lang.IllegalStateException: no database at org.example.Broken.<init>(Broken.java:9)",
                    "      caused by: java.io.IOException: refused? at org.example.Db.open(Db.java:3)"), run.out().lines().toList(), run.toString());
        }
    }
}
