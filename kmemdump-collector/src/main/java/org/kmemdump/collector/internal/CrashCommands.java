package org.kmemdump.collector.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.kmemdump.collector.CrashFacts;
import org.kmemdump.collector.CrashListing;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.TerminalText;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.CrashEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Gogo commands {@code kmemdump:crashes} and {@code kmemdump:crash ID}: the crash store of this runtime's directory. */
@Component(service = CrashCommands.class, property = {"osgi.command.scope=kmemdump", "osgi.command.function=crashes",
        "osgi.command.function=crash"})
public final class CrashCommands {
    private final KmemdumpDirectory directory;

    @Activate
    public CrashCommands(@Reference KmemdumpDirectory directory) {
        this.directory = directory;
    }

    /** Every entry, oldest first: when, pid, zones ok/lost, size, how it ended, path. */
    public void crashes() throws Failure {
        System.out.print(CrashListing.text(CrashListing.list(directory.path())));
    }

    /** One entry's summary with its last log records; before its collection, what its files say. */
    public void crash(String id) throws IOException {
        Path entry = directory.path().resolve(CrashEntry.CRASHES).resolve(id);
        if (!CrashEntry.isId(id) || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("no crash entry '" + TerminalText.clean(id) + "' in " + entry.getParent()
                    + ": kmemdump:crashes lists them");
        }
        Path summary = entry.resolve(CrashEntry.SUMMARY_TEXT);
        if (Files.isRegularFile(summary, LinkOption.NOFOLLOW_LINKS)) {
            Files.readAllLines(summary, StandardCharsets.UTF_8).forEach(line -> System.out.println(TerminalText.clean(line)));
            return;
        }
        CrashFacts facts = CrashFacts.read(entry);
        System.out.println("not collected yet: " + facts.announcement());
        System.out.println("last log records:");
        facts.lastLog().forEach(line -> System.out.println("  " + line));
    }
}
