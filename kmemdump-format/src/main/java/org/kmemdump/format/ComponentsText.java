package org.kmemdump.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of the components zone (the payload of {@link SnapshotBuffers} of content
 * {@link SnapshotBuffers.Content#COMPONENTS}): Declarative Services' view of every component. UTF-8 lines ending in {@code '\n'}, fields separated by TAB; in a field, backslash,
 * TAB, CR and LF are written {@code \\}, {@code \t}, {@code \r}, {@code \n}.
 *
 * <pre>
 * component  TAB bundle id TAB bundle symbolic name TAB component name TAB state
 * failure    TAB why its activation failed            (after its component; at most one)
 * waits      TAB reference name TAB interface TAB target filter ("" for none)   (one per unsatisfied reference)
 * note       TAB text                                  (about the whole snapshot, e.g. no SCR)
 * cut        TAB components left out                   (last: the rest did not fit)
 * </pre>
 *
 * <p>States are those of {@code ComponentConfigurationDTO} ({@code UNSATISFIED_CONFIGURATION},
 * {@code UNSATISFIED_REFERENCE}, {@code SATISFIED}, {@code ACTIVE}, {@code FAILED_ACTIVATION}),
 * one line per configuration, and for a component without configurations {@code DISABLED} or
 * {@code NO_CONFIGURATION}. A reader ignores lines of other kinds, so kinds can be added.
 */
public final class ComponentsText {
    static final String COMPONENT = "component";
    static final String FAILURE = "failure";
    static final String WAITS = "waits";
    static final String NOTE = "note";
    static final String CUT = "cut";

    /** An unsatisfied reference: what the component waits for. */
    public record Reference(String name, String interfaceName, String target) {
    }

    /** One component configuration; {@code failure} is {@code ""} unless its activation failed. */
    public record Component(long bundleId, String bundle, String name, String state, String failure, List<Reference> waits) {
    }

    /** A whole snapshot: its components, a note ({@code ""} for none) and how many components were cut. */
    public record Components(List<Component> components, String note, long cut) {
    }

    private ComponentsText() {
    }

    /**
     * @return the text of {@code snapshot}, at most {@code limit} bytes of UTF-8: components that do
     *         not fit are left out whole, and a {@code cut} line says how many
     */
    public static String write(Components snapshot, long limit) {
        StringBuilder text = new StringBuilder();
        long bytes = 0;
        if (!snapshot.note().isEmpty()) {
            String note = line(NOTE, snapshot.note());
            text.append(note);
            bytes += utf8(note);
        }
        List<Component> components = snapshot.components();
        for (int i = 0; i < components.size(); i++) {
            String lines = lines(components.get(i));
            long left = components.size() - i - 1 + snapshot.cut();
            // room for this component and, unless it is the last, a cut line
            String cutLine = line(CUT, Long.toString(left + 1));
            if (bytes + utf8(lines) + (left > 0 ? utf8(cutLine) : 0) > limit) {
                if (bytes + utf8(cutLine) <= limit) {
                    text.append(cutLine);
                }
                return text.toString();
            }
            text.append(lines);
            bytes += utf8(lines);
        }
        if (snapshot.cut() > 0) {
            text.append(line(CUT, Long.toString(snapshot.cut())));
        }
        return text.toString();
    }

    private static String lines(Component component) {
        StringBuilder lines = new StringBuilder(line(COMPONENT, Long.toString(component.bundleId()), component.bundle(),
                component.name(), component.state()));
        if (!component.failure().isEmpty()) {
            lines.append(line(FAILURE, component.failure()));
        }
        for (Reference reference : component.waits()) {
            lines.append(line(WAITS, reference.name(), reference.interfaceName(), reference.target()));
        }
        return lines.toString();
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String line(String kind, String... fields) {
        StringBuilder line = new StringBuilder(kind);
        for (String field : fields) {
            line.append('\t');
            for (char c : (field == null ? "" : field).toCharArray()) {
                switch (c) {
                    case '\\' -> line.append("\\\\");
                    case '\t' -> line.append("\\t");
                    case '\r' -> line.append("\\r");
                    case '\n' -> line.append("\\n");
                    default -> line.append(c);
                }
            }
        }
        return line.append('\n').toString();
    }

    /**
     * Reads a snapshot's text. Bounded by the text: nothing is allocated that a field asks for.
     *
     * @throws IllegalArgumentException naming the line that is not of this syntax
     */
    public static Components read(String text) {
        List<Component> components = new ArrayList<>();
        String note = "";
        long cut = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            List<String> fields = fields(line, i + 1);
            String kind = fields.getFirst();
            switch (kind) {
                case COMPONENT -> {
                    expect(fields, 5, i + 1);
                    components.add(new Component(number(fields.get(1), i + 1), fields.get(2), fields.get(3), fields.get(4), "",
                            new ArrayList<>()));
                }
                case FAILURE -> {
                    expect(fields, 2, i + 1);
                    Component last = last(components, kind, i + 1);
                    components.set(components.size() - 1, new Component(last.bundleId(), last.bundle(), last.name(), last.state(),
                            fields.get(1), last.waits()));
                }
                case WAITS -> {
                    expect(fields, 4, i + 1);
                    last(components, kind, i + 1).waits().add(new Reference(fields.get(1), fields.get(2), fields.get(3)));
                }
                case NOTE -> {
                    expect(fields, 2, i + 1);
                    note = fields.get(1);
                }
                case CUT -> {
                    expect(fields, 2, i + 1);
                    cut = number(fields.get(1), i + 1);
                }
                default -> { // a kind added later
                }
            }
        }
        List<Component> frozen = components.stream()
                .map(c -> new Component(c.bundleId(), c.bundle(), c.name(), c.state(), c.failure(), List.copyOf(c.waits()))).toList();
        return new Components(frozen, note, cut);
    }

    private static Component last(List<Component> components, String kind, int line) {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("line " + line + ": a '" + kind + "' line before any 'component' line");
        }
        return components.getLast();
    }

    private static void expect(List<String> fields, int count, int line) {
        if (fields.size() != count) {
            throw new IllegalArgumentException("line " + line + ": '" + fields.getFirst() + "' has " + (fields.size() - 1)
                    + " fields, not " + (count - 1));
        }
    }

    private static long number(String field, int line) {
        try {
            long value = Long.parseLong(field);
            if (value >= -1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("line " + line + ": '" + cutForMessage(field) + "' is not a count or bundle id");
    }

    private static String cutForMessage(String field) {
        return field.length() <= 40 ? field : field.substring(0, 40) + "...";
    }

    private static List<String> fields(String line, int number) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\\') {
                if (++i == line.length()) {
                    throw new IllegalArgumentException("line " + number + ": ends in a lone backslash");
                }
                field.append(switch (line.charAt(i)) {
                    case '\\' -> '\\';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'n' -> '\n';
                    default -> throw new IllegalArgumentException("line " + number + ": unknown escape \\" + line.charAt(i));
                });
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /**
     * @return the snapshot for a person: per component {@code [bundle id] bundle  name  STATE}, then
     *         indented {@code failure:} and {@code waits for:} lines; the same for the shell and the collector
     */
    public static List<String> report(Components snapshot) {
        List<String> lines = new ArrayList<>();
        if (!snapshot.note().isEmpty()) {
            lines.add(snapshot.note());
        }
        for (Component component : snapshot.components()) {
            lines.add("[" + component.bundleId() + "] " + component.bundle() + "  " + component.name() + "  " + component.state());
            if (!component.failure().isEmpty()) {
                String[] failure = component.failure().split("\n");
                lines.add("    failure: " + failure[0]);
                for (int i = 1; i < failure.length; i++) {
                    lines.add("      " + failure[i].strip());
                }
            }
            for (Reference reference : component.waits()) {
                lines.add("    waits for: " + reference.name() + " " + reference.interfaceName()
                        + (reference.target().isEmpty() ? "" : " " + reference.target()));
            }
        }
        if (snapshot.cut() > 0) {
            lines.add("... " + snapshot.cut() + " more components did not fit the zone");
        }
        lines.add(snapshot.components().size() + " components" + (snapshot.cut() > 0 ? " shown" : ""));
        return lines;
    }
}
