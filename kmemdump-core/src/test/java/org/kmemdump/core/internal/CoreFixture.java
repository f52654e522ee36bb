package org.kmemdump.core.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KnownZones;

/**
 * A zone table set up as the runtime sets it up: a {@link CoreImage} as listener and its two zones
 * registered as {@code ELF} and {@code VMCOREINFO}. No backend.
 */
final class CoreFixture implements AutoCloseable {
    static final Owner RUNTIME = new Owner(0, "test.runtime");
    static final long PID = 4242;
    static final String RELEASE = "kmemdump-test";

    final Arena arena = Arena.ofShared();
    final Host host = new Host(PID, Elf64.EM_X86_64, 336, 4096, "java test");
    final CoreImage image = new CoreImage(arena, host, RELEASE);
    final ZoneTable table = new ZoneTable(warning -> { });

    CoreFixture() throws ZoneRegistrationException {
        table.listener(image);
        table.register(ZoneIds.ELF, KnownZones.ELF_NAME, image.elf(), RUNTIME);
        table.register(ZoneIds.VMCOREINFO, KnownZones.VMCOREINFO_NAME, image.vmcoreinfo(), RUNTIME);
    }

    /** Registers zones of 5, 4096 and 13 bytes under the next free ids, each holding a distinct pattern. */
    void addOddSizedZones() throws ZoneRegistrationException {
        add(ZoneIds.NO_ID, "five", pattern(5, 0));
        add(ZoneIds.NO_ID, "page", pattern(4096, 5));
        add(ZoneIds.NO_ID, "thirteen", pattern(13, 9));
    }

    /** Registers a zone holding {@code content}, in memory of the fixture's arena. */
    ZoneSlot add(int id, String name, byte[] content) throws ZoneRegistrationException {
        return add(arena, id, name, content);
    }

    /** Registers a zone holding {@code content}, in memory of {@code in}. */
    ZoneSlot add(Arena in, int id, String name, byte[] content) throws ZoneRegistrationException {
        MemorySegment memory = in.allocate(content.length);
        memory.copyFrom(MemorySegment.ofArray(content));
        return table.register(id, name, memory, RUNTIME);
    }

    /** @return the zones in ascending id order, each padded with zeros to a multiple of 4: a core file */
    byte[] concatenation() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (ZoneSlot zone : table.zones()) {
            byte[] bytes = zone.memory().toArray(JAVA_BYTE);
            file.writeBytes(bytes);
            file.writeBytes(new byte[(int) (padded(bytes.length) - bytes.length)]);
        }
        return file.toByteArray();
    }

    /** @return {@code size} rounded up to a multiple of 4 */
    static long padded(long size) {
        return (size + 3) / 4 * 4;
    }

    /** @return {@code size} bytes counting up from {@code first}, none of them 0 */
    static byte[] pattern(int size, int first) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (1 + (first + i) % 255);
        }
        return bytes;
    }

    /** @return the text as a C string: its ASCII bytes and a NUL */
    static byte[] cString(String text) {
        return (text + '\0').getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        arena.close();
    }
}
