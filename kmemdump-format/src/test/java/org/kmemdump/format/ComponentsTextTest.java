package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kmemdump.format.ComponentsText.Component;
import org.kmemdump.format.ComponentsText.Components;
import org.kmemdump.format.ComponentsText.Reference;

class ComponentsTextTest {
    private static final Component WAITING = new Component(12, "org.example.app", "org.example.Waiting", "UNSATISFIED_REFERENCE", "",
            List.of(new Reference("store", "org.example.Store", "(name=main)")));
    private static final Component FAILED = new Component(12, "org.example.app", "org.example.Broken", "FAILED_ACTIVATION",
            "Constructor threw\n\tat org.example.Broken.<init>", List.of());

    @Test
    void theLineSyntaxByteForByte() {
        String text = ComponentsText.write(new Components(List.of(WAITING, FAILED), "", 0), 4096);
        assertEquals("component\t12\torg.example.app\torg.example.Waiting\tUNSATISFIED_REFERENCE\n"
                + "waits\tstore\torg.example.Store\t(name=main)\n"
                + "component\t12\torg.example.app\torg.example.Broken\tFAILED_ACTIVATION\n"
                + "failure\tConstructor threw\\n\\tat org.example.Broken.<init>\n", text);
        assertEquals(new Components(List.of(WAITING, FAILED), "", 0), ComponentsText.read(text));
    }

    @Test
    void escapesRoundTrip() {
        Component odd = new Component(-1, "a\\b", "tab\there", "ACTIVE", "cr\rlf\n", List.of(new Reference("r", "I", "")));
        Components snapshot = new Components(List.of(odd), "a note\twith a tab", 0);
        assertEquals(snapshot, ComponentsText.read(ComponentsText.write(snapshot, 4096)));
    }

    @Test
    void whatDoesNotFitIsCutWholeWithAMark() {
        Components many = new Components(java.util.Collections.nCopies(100, WAITING), "", 0);
        String text = ComponentsText.write(many, 1000);
        assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= 1000, text);
        Components read = ComponentsText.read(text);
        assertEquals(100, read.components().size() + read.cut(), "every component shown or counted");
        assertTrue(read.cut() > 0);
        assertTrue(text.endsWith("cut\t" + read.cut() + "\n"), text);
        assertTrue(ComponentsText.report(read).contains("... " + read.cut() + " more components did not fit the zone"));
    }

    @Test
    void unknownKindsAreSkippedMalformedLinesNamed() {
        assertEquals(new Components(List.of(), "", 0), ComponentsText.read("threads\tsomething later\n\n"));
        assertEquals("line 1: 'component' has 2 fields, not 4",
                assertThrows(IllegalArgumentException.class, () -> ComponentsText.read("component\t1\tb\n")).getMessage());
        assertEquals("line 1: a 'waits' line before any 'component' line",
                assertThrows(IllegalArgumentException.class, () -> ComponentsText.read("waits\ta\tb\tc\n")).getMessage());
        assertEquals("line 1: 'x' is not a count or bundle id",
                assertThrows(IllegalArgumentException.class, () -> ComponentsText.read("cut\tx\n")).getMessage());
        assertEquals("line 1: unknown escape \\q",
                assertThrows(IllegalArgumentException.class, () -> ComponentsText.read("note\t\\q\n")).getMessage());
    }

    @Test
    void theReportShowsStateFailureAndWhatIsAwaited() {
        assertEquals(List.of("[12] org.example.app  org.example.Waiting  UNSATISFIED_REFERENCE",
                "    waits for: store org.example.Store (name=main)",
                "[12] org.example.app  org.example.Broken  FAILED_ACTIVATION",
                "    failure: Constructor threw",
                "      at org.example.Broken.<init>",
                "2 components"), ComponentsText.report(new Components(List.of(WAITING, FAILED), "", 0)));
    }
}
