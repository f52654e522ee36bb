package org.kmemdump.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The exit codes are defined once, in {@link ExitCode}: {@code --help} prints them, and README.md's table says the same. */
class ReadmeExitCodesTest {
    private static final Pattern ROW = Pattern.compile("\\| (\\d+) \\| (.+) \\|");
    private static final String HEADER = "| exit | meaning |";

    @Test
    void readmeTableIsTheEnum() throws IOException {
        List<String> expected = new ArrayList<>();
        for (ExitCode exit : ExitCode.values()) {
            expected.add(exit.code() + " " + exit.meaning());
        }
        assertEquals(expected, readmeRows(), "README.md's exit-code table must list ExitCode, in order, word for word");
    }

    @Test
    void helpListsEveryCodeWithItsWholeMeaning() {
        String help = CommandLine.HELP.substring(CommandLine.HELP.indexOf("Exit codes:\n"));
        for (ExitCode exit : ExitCode.values()) {
            String code = "\n  " + exit.code() + "  ";
            int start = help.indexOf(code);
            assertTrue(start >= 0, help);
            int end = help.indexOf("\n  ", start + code.length());
            while (end >= 0 && help.startsWith("\n     ", end)) {
                end = help.indexOf("\n  ", end + 1);
            }
            String meaning = help.substring(start + code.length(), end < 0 ? help.length() : end).strip().replaceAll("\\s+", " ");
            assertEquals(exit.meaning(), meaning);
        }
    }

    @Test
    void codeThreeSaysTheArenaIsNeededWhateverTheTable() {
        assertTrue(ExitCode.BAD_INPUT.meaning().contains("the arena missing or corrupt, whatever the minidump table holds"));
    }

    /** @return the rows of the table under {@value #HEADER}, as {@code code meaning} */
    private static List<String> readmeRows() throws IOException {
        List<String> lines = Files.readAllLines(readme());
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, "README.md has no line '" + HEADER + "'");
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            Matcher row = ROW.matcher(line);
            if (!row.matches()) {
                break;
            }
            rows.add(row.group(1) + " " + row.group(2));
        }
        return rows;
    }

    /** The reactor root's README.md, one level above this module's basedir (surefire's working directory). */
    private static Path readme() {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return module.getParent().resolve("README.md");
    }
}
