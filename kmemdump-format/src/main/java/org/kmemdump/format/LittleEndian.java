package org.kmemdump.format;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The value layouts of every kmemdump byte format: all of them are little-endian whatever the
 * host, and fields may lie at any offset (the kinfo record is packed), so plain access is unaligned.
 */
public final class LittleEndian {
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The same values with their natural alignment, as the C compiler places the members of a
     * struct that is not packed: a struct layout built from them rejects a misplaced offset.
     */
    public static final ValueLayout.OfShort U16_ALIGNED = U16.withByteAlignment(Short.BYTES);
    public static final ValueLayout.OfInt U32_ALIGNED = U32.withByteAlignment(Integer.BYTES);
    public static final ValueLayout.OfLong U64_ALIGNED = U64.withByteAlignment(Long.BYTES);

    /**
     * A u32 field published to a reader in another process with {@code setRelease} and read with
     * {@code getAcquire}, coordinates {@code (MemorySegment, long offset)}. Atomic access needs the
     * field's natural alignment, so this handle checks it where the plain layouts do not.
     */
    public static final VarHandle U32_ORDERED = U32_ALIGNED.varHandle();
    /** A u64 field published with release/acquire ordering, as {@link #U32_ORDERED}. */
    public static final VarHandle U64_ORDERED = U64_ALIGNED.varHandle();

    private LittleEndian() {
    }
}
