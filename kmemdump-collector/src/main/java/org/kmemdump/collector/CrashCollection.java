package org.kmemdump.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.RunFiles;

/**
 * Collects one crash entry without a human, as the runtime does at start: {@value CrashEntry#CORE}
 * with {@link CoreCollection#collect} (sensitive zones left out), then the {@link CrashSummary}. The
 * raw files a core is collected from ({@link RunFiles#RAW}) are dropped after a successful collection
 * unless {@code keepRaw}; a failed one (corrupt input, full disk) keeps them, and its summary says why.
 */
public final class CrashCollection {
    private CrashCollection() {
    }

    /**
     * @throws Failure (output) when not even the summary could be written; the raw files are then
     *                 kept and the entry stays uncollected, to be tried again at the next start
     */
    public static CrashSummary collect(Path entry, boolean keepRaw) throws Failure {
        for (String output : new String[] {CrashEntry.CORE, CrashEntry.SUMMARY_TEXT, CrashEntry.SUMMARY_JSON}) {
            OutputFile.deleteLeftovers(entry.resolve(output)); // of a collection killed before
        }
        CrashFacts facts = CrashFacts.read(entry);
        CollectReport report = null;
        String failure = null;
        if (facts.readable()) {
            try {
                report = CoreCollection.collect(entry, entry.resolve(CrashEntry.CORE), null, Progress.NONE);
            } catch (Failure collectFailed) {
                failure = collectFailed.getMessage();
            }
        } else {
            failure = "the run's arena could not be read (" + facts.ended() + ")";
        }
        boolean dropRaw = report != null && !keepRaw;
        CrashSummary summary = new CrashSummary(facts, report, failure, !dropRaw);
        summary.write();
        if (dropRaw) {
            for (String name : RunFiles.RAW) {
                try {
                    Files.deleteIfExists(entry.resolve(name));
                } catch (IOException e) {
                    // the summary is written and the core collected: a raw file left over costs space only
                }
            }
        }
        return summary;
    }
}
