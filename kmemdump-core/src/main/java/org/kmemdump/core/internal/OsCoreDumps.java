package org.kmemdump.core.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps pages out of the operating system's core dumps of this JVM, and lets them back in:
 * Linux {@code madvise(MADV_DONTDUMP)} and {@code MADV_DODUMP} through the FFM API. Whole pages:
 * the range is widened to the pages that hold any byte of it.
 */
final class OsCoreDumps {
    /** From Linux {@code <asm-generic/mman-common.h>}, the same on x86_64 and aarch64. */
    static final int MADV_DONTDUMP = 16;
    static final int MADV_DODUMP = 17;

    private final long pageSize;

    OsCoreDumps(long pageSize) {
        this.pageSize = pageSize;
    }

    /**
     * The downcall, linked when first used (only sensitive zones need it): linking spins up the FFM
     * linker, a few hundred classes and method handles, which every start would otherwise pay for.
     */
    private static final class Madvise {
        static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
        static final long ERRNO_OFFSET = Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        /** {@code int madvise(void *addr, size_t length, int advice)}, or empty where there is none (not Linux). */
        static final Optional<MethodHandle> HANDLE = find();

        private static Optional<MethodHandle> find() {
            if (!System.getProperty("os.name", "").equals("Linux")) {
                return Optional.empty();
            }
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("madvise").map(address -> linker.downcallHandle(address,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), ERRNO));
        }
    }

    /** @return {@code null} when done, else why not */
    String exclude(MemorySegment memory) {
        return advise(memory, MADV_DONTDUMP);
    }

    /** @return {@code null} when done, else why not */
    String include(MemorySegment memory) {
        return advise(memory, MADV_DODUMP);
    }

    /** @return the first address of the page range that holds {@code memory} */
    long firstPage(MemorySegment memory) {
        return memory.address() & -pageSize;
    }

    /** @return the address just past the page range that holds {@code memory} */
    long endPage(MemorySegment memory) {
        return memory.address() + memory.byteSize() + pageSize - 1 & -pageSize;
    }

    private String advise(MemorySegment memory, int advice) {
        if (Madvise.HANDLE.isEmpty()) {
            return "madvise is not available on " + System.getProperty("os.name");
        }
        long start = firstPage(memory);
        long length = endPage(memory) - start;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int result = (int) Madvise.HANDLE.get().invokeExact(state, MemorySegment.ofAddress(start), length, advice);
            if (result != 0) {
                return "madvise(0x" + Long.toHexString(start) + ", " + length + ", " + advice + ") failed with errno "
                        + state.get(ValueLayout.JAVA_INT, Madvise.ERRNO_OFFSET);
            }
            return null;
        } catch (Throwable e) {
            return "madvise failed: " + e;
        }
    }
}
