package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * README.md's module table is the reader's map of the tree: it names every module of the reactor
 * and nothing else, each module's artifactId is its folder's name (and so its
 * Bundle-SymbolicName), and every exported package version it quotes is the one in the package's
 * {@code package-info.java}.
 */
class ReadmeModulesTest {
    private static final String HEADER = "| module (= Bundle-SymbolicName) | what |";
    private static final Pattern ROW = Pattern.compile("\\| `([^`]+)` \\| (.+) \\|");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT_ID = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
    private static final Pattern QUOTED_PACKAGE = Pattern.compile("`(org\\.kmemdump(?:\\.[a-z]+)+)` (\\d+\\.\\d+\\.\\d+)");
    private static final Pattern VERSION = Pattern.compile("@Version\\(\"(\\d+\\.\\d+\\.\\d+)\"\\)");

    /** The reactor root, one level above this module's basedir (surefire's working directory). */
    private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();

    @Test
    void theTableNamesEveryModuleOfTheReactorAndNothingElse() throws IOException {
        List<String> modules = modules();
        TreeSet<String> uncovered = new TreeSet<>(modules);
        for (String row : rows().keySet()) {
            List<String> named = row.endsWith("/*")
                    ? modules.stream().filter(module -> module.startsWith(row.substring(0, row.length() - 1))).toList()
                    : modules.stream().filter(row::equals).toList();
            assertTrue(!named.isEmpty(), "README.md's module table lists '" + row + "', which is no module of pom.xml: " + modules);
            named.forEach(uncovered::remove);
        }
        assertEquals(new TreeSet<>(), uncovered, "modules of pom.xml that README.md's module table does not name");
    }

    @Test
    void everyModulesArtifactIdIsItsFoldersName() throws IOException {
        for (String module : modules()) {
            Matcher artifactId = ARTIFACT_ID.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
            assertTrue(artifactId.find(), module + "/pom.xml has no artifactId after its parent");
            assertEquals(Path.of(module).getFileName().toString(), artifactId.group(1), "the artifactId (= Bundle-SymbolicName) of " + module);
        }
    }

    @Test
    void everyPackageVersionTheTableQuotesIsThePackagesOwn() throws IOException {
        TreeMap<String, String> quoted = new TreeMap<>();
        for (String what : rows().values()) {
            Matcher version = QUOTED_PACKAGE.matcher(what);
            while (version.find()) {
                quoted.put(version.group(1), version.group(2));
            }
        }
        assertTrue(!quoted.isEmpty(), "the table quotes no package version");
        for (var entry : quoted.entrySet()) {
            assertEquals(entry.getValue(), versionInTree(entry.getKey()), "README.md's version of " + entry.getKey());
        }
    }

    private static List<String> modules() throws IOException {
        Matcher module = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (module.find()) {
            modules.add(module.group(1));
        }
        return modules;
    }

    /** @return the rows of the table under {@value #HEADER}: the first cell's name, and the second cell */
    private static TreeMap<String, String> rows() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, "README.md has no line '" + HEADER + "'");
        TreeMap<String, String> rows = new TreeMap<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            Matcher row = ROW.matcher(line);
            if (!row.matches()) {
                break;
            }
            rows.put(row.group(1), row.group(2));
        }
        return rows;
    }

    /** @return the {@code @Version} of the package's {@code package-info.java}, wherever in the tree it is */
    private static String versionInTree(String packageName) throws IOException {
        Path relative = Path.of("src", "main", "java").resolve(packageName.replace('.', '/')).resolve("package-info.java");
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.toList()) {
                Path info = module.resolve(relative);
                if (Files.isRegularFile(info)) {
                    Matcher version = VERSION.matcher(Files.readString(info));
                    assertTrue(version.find(), info + " has no @Version");
                    return version.group(1);
                }
            }
        }
        throw new AssertionError("README.md quotes a version of " + packageName + ", which has no package-info.java in a module");
    }
}
