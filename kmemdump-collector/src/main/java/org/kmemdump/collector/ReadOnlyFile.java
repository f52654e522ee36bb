package org.kmemdump.collector;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file opened read-only through the C library, so the collector can ask the kernel where its
 * data is ({@code lseek} with {@code SEEK_DATA} and {@code SEEK_HOLE}): the exact ranges, which
 * {@code st_blocks} (a total) cannot give and which tmpfs, ext4, xfs and btrfs all answer. A file
 * system without them reports the whole file as data, which is what reading it would do.
 *
 * <p>The descriptor stays open while the file is read: {@link #path()} ({@code /proc/self/fd/N})
 * reopens the very file that was opened, so a file swapped in under the same name later is never
 * the one whose holes were asked about.
 */
final class ReadOnlyFile implements AutoCloseable {
    private static final int O_RDONLY_NONBLOCK_CLOEXEC = 0 | 04000 | 02000000; // a FIFO must not block the open
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;
    private static final int EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle LSEEK = function("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** strerror's text is short; a bound keeps a bad pointer from being read far. */
    private static final long MESSAGE_LIMIT = 256;

    private final int descriptor;

    /**
     * strerror, linked only when a call failed: each downcall handle costs the collector's start
     * tens of milliseconds of CPU (the first one hundreds), and a collection that succeeds needs none.
     */
    private static final class Strerror {
        static final MethodHandle HANDLE = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private ReadOnlyFile(int descriptor) {
        this.descriptor = descriptor;
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, all);
    }

    /** @throws IOException with the C library's reason when the file cannot be opened */
    static ReadOnlyFile open(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int descriptor = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY_NONBLOCK_CLOEXEC, 0);
            if (descriptor < 0) {
                throw new IOException(message((int) ERRNO.get(state, 0L)));
            }
            return new ReadOnlyFile(descriptor);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a name that opens this very file again, whatever its name now holds */
    Path path() {
        return Path.of("/proc/self/fd", Integer.toString(descriptor));
    }

    /** @return where the file's first {@code length} bytes hold data, as the kernel says now */
    Extents extents(long length) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long at = 0;
            while (at < length) {
                long data = (long) LSEEK.invokeExact(state, descriptor, at, SEEK_DATA);
                if (data < 0) {
                    int errno = (int) ERRNO.get(state, 0L);
                    if (errno == ENXIO) {
                        break; // only a hole follows
                    }
                    if (errno == EINVAL) {
                        ranges.add(new long[] {at, length}); // holes unknown here: all of it is data
                        break;
                    }
                    throw new IOException("lseek: " + message(errno));
                }
                long hole = (long) LSEEK.invokeExact(state, descriptor, data, SEEK_HOLE);
                long end = hole < 0 ? length : Math.min(hole, length);
                if (data < end) {
                    ranges.add(new long[] {data, end});
                }
                at = Math.max(end, data + 1);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return new Extents(ranges, length);
    }

    /** @return the C library's text for {@code errno}, as the JDK's own messages give it */
    private static String message(int errno) throws Throwable {
        MemorySegment text = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
        return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(MESSAGE_LIMIT).getString(0);
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(descriptor);
        } catch (Throwable e) {
            // read-only: nothing to lose
        }
    }
}
