package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.Collector;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;
import org.kmemdump.format.ZoneDirectory;

/**
 * The collector against hostile input: the directories two real runtimes left when SIGKILLed (one
 * with the minidump backend: smem and arena; one with the kinfo backend and a log ring), each
 * u32/u64 field of each format (entries and descriptors in a few of their instances) set to values
 * that break assumptions, checksums recomputed so the
 * corruption gets past them; files cut short, made sparse and huge, replaced by a directory, a
 * FIFO or a link to /dev/zero; zone directory entries duplicated over each other. Every case runs
 * {@code collect --bins}, {@code inspect} and {@code log} in-process: no stack trace, no hang, only
 * the documented exit codes, and output bounded by the input.
 */
class CollectorFuzzIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long CASE_SECONDS = 20;
    private static final Path MINIDUMP = property("kmemdump.minidump.jar");
    private static final Path KINFO = property("kmemdump.kinfo.jar");
    private static final Path TEST_BUNDLES = property("kmemdump.test.bundles");
    private static final Pattern CRASH = Pattern.compile("\tat |Exception|internal error");
    /** Each arena byte may be copied this many times (the collector's overlap limit), plus the coreimage headers. */
    private static final long OUTPUT_FACTOR = 4;

    @TempDir
    Path work;

    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private final List<String> failures = new ArrayList<>();
    private final int[] exits = new int[ExitCode.values().length];
    private int cases;
    /** Where the outputs go: tmpfs when there is one, as every output is forced to the device. */
    private Path outputs;

    private static Path property(String name) {
        return Path.of(System.getProperty(name, "missing-system-property-" + name)).toAbsolutePath();
    }

    /** A u32 or u64 field of a file. */
    private record Field(String file, String name, long offset, int size) {
    }

    @Test
    void corruptedDirectoriesOfKilledRuntimesNeverCrashTheCollector() throws Exception {
        Path minidump = killed("minidump", MINIDUMP, "-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("zone-consumer.jar")
                + "; kmemdump:zones");
        Path kinfo = killed("kinfo", KINFO, "-Dorg.osgi.service.log.admin.loglevel=INFO",
                "-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("log-burst.jar") + "; kmemdump:zones");
        Path shm = Path.of("/dev/shm");
        outputs = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "kmemdump-fuzz-") : work;
        long started = System.nanoTime();
        try {
            for (Path seed : List.of(minidump, kinfo)) {
                check(seed, "unchanged");
                for (Field field : fields(seed)) {
                    corruptField(seed, field);
                }
                structural(seed);
            }
        } finally {
            runner.shutdownNow();
            if (!outputs.equals(work)) {
                delete(outputs);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("collector fuzz: " + cases + " cases (x3 commands) in " + millis + " ms; exit codes 0.." + (exits.length - 1) + ": "
                + Arrays.toString(exits));
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed:\n" + String.join("\n", failures.subList(0,
                Math.min(20, failures.size()))));
    }

    /** @return the kmemdump directory of a runtime killed with SIGKILL once its zones are registered */
    private Path killed(String name, Path jar, String... properties) throws IOException {
        Path runtimeWork = Files.createDirectory(work.resolve(name));
        try (Child runtime = Runtimes.start(name, jar, runtimeWork, properties)) {
            runtime.awaitStdout(0, Pattern.compile("(?m)^arena: "), TIMEOUT);
            runtime.kill();
        }
        return Runtimes.kmemdumpDirectory(runtimeWork);
    }

    /** Every u32/u64 field of the formats the directory holds, at the offsets kmemdump-format defines. */
    private static List<Field> fields(Path seed) throws IOException {
        List<Field> fields = new ArrayList<>();
        String arena = ArenaFile.FILE_NAME;
        for (Object[] f : new Object[][] {{"magic", ArenaFile.MAGIC_FIELD, 8}, {"version", ArenaFile.VERSION_FIELD, 4},
                {"header_length", ArenaFile.HEADER_LENGTH_FIELD, 4}, {"pid", ArenaFile.PID, 8}, {"start_time", ArenaFile.START_TIME, 8},
                {"base_address", ArenaFile.BASE_ADDRESS, 8}, {"length", ArenaFile.LENGTH, 8}, {"heartbeat", ArenaFile.HEARTBEAT, 8},
                {"shutdown", ArenaFile.SHUTDOWN, 4}, {"elf_address", ArenaFile.ELF_ADDRESS, 8},
                {"vmcoreinfo_address", ArenaFile.VMCOREINFO_ADDRESS, 8}, {"elf_size", ArenaFile.ELF_SIZE, 8},
                {"vmcoreinfo_size", ArenaFile.VMCOREINFO_SIZE, 8}, {"directory_offset", ArenaFile.DIRECTORY_OFFSET, 8}}) {
            fields.add(new Field(arena, (String) f[0], (long) f[1], (int) f[2]));
        }
        long ringOffset = -1;
        try (FileChannel channel = FileChannel.open(seed.resolve(arena)); Arena mapping = Arena.ofConfined()) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            long base = file.get(LittleEndian.U64, ArenaFile.BASE_ADDRESS);
            List<ZoneDirectory.Entry> entries = ArenaFile.directory(file).validEntries();
            // every field of the entry format, in three kinds of entry: a coreimage zone, the log ring, the first other zone
            List<ZoneDirectory.Entry> kinds = entries.stream().filter(entry -> entry.id() == KnownZones.ELF || entry.id() == KnownZones.LOG
                    || entry.id() == entries.stream().mapToInt(ZoneDirectory.Entry::id).filter(id -> id > KnownZones.LOG).min().orElse(-1))
                    .toList();
            for (ZoneDirectory.Entry entry : entries) {
                if (entry.id() == KnownZones.LOG) {
                    ringOffset = entry.address() - base;
                }
            }
            for (ZoneDirectory.Entry entry : kinds) {
                long at = ArenaFile.DIRECTORY_START + (long) entry.id() * ZoneDirectory.ENTRY_SIZE;
                String zone = "entry " + entry.id() + " ";
                fields.add(new Field(arena, zone + "id", at + ZoneDirectory.ID, 4));
                fields.add(new Field(arena, zone + "valid", at + ZoneDirectory.VALID_FIELD, 4));
                fields.add(new Field(arena, zone + "address", at + ZoneDirectory.ADDRESS, 8));
                fields.add(new Field(arena, zone + "size", at + ZoneDirectory.SIZE, 8));
            }
        }
        if (ringOffset > 0) {
            for (Object[] f : new Object[][] {{"magic", LogRing.MAGIC_FIELD, 8}, {"version", LogRing.VERSION_FIELD, 4},
                    {"header_length", LogRing.HEADER_LENGTH_FIELD, 4}, {"capacity", LogRing.CAPACITY, 8}, {"head", LogRing.HEAD, 8},
                    {"next_sequence", LogRing.NEXT_SEQUENCE, 8}}) {
                fields.add(new Field(arena, "log ring " + f[0], ringOffset + (long) f[1], (int) f[2]));
            }
        }
        if (Files.exists(seed.resolve(SmemFile.FILE_NAME))) {
            String smem = SmemFile.FILE_NAME;
            for (Object[] f : new Object[][] {{"magic", SmemFile.MAGIC_FIELD, 8}, {"version", SmemFile.VERSION_FIELD, 4},
                    {"header_length", SmemFile.HEADER_LENGTH_FIELD, 4}, {"base_address", SmemFile.BASE_ADDRESS, 8},
                    {"item_id", SmemFile.ITEM_ID, 4}, {"item_offset", SmemFile.ITEM_OFFSET, 8}, {"item_length", SmemFile.ITEM_LENGTH, 8},
                    {"toc status", SmemFile.TOC_OFFSET + MinidumpTable.TOC_STATUS, 4},
                    {"toc revision", SmemFile.TOC_OFFSET + MinidumpTable.TOC_REVISION, 4},
                    {"toc enabled", SmemFile.TOC_OFFSET + MinidumpTable.TOC_ENABLED, 4}}) {
                fields.add(new Field(smem, (String) f[0], (long) f[1], (int) f[2]));
            }
            long apss = SmemFile.TOC_OFFSET + MinidumpTable.TOC_SUBSYSTEMS + (long) MinidumpTable.SUBSYSTEM_APSS * MinidumpTable.SUBSYSTEM_SIZE;
            for (Object[] f : new Object[][] {{"status", MinidumpTable.SS_STATUS, 4}, {"enabled", MinidumpTable.SS_ENABLED_FIELD, 4},
                    {"encryption_status", MinidumpTable.SS_ENCRYPTION_STATUS, 4},
                    {"encryption_required", MinidumpTable.SS_ENCRYPTION_REQUIRED, 4}, {"region_count", MinidumpTable.SS_REGION_COUNT, 4},
                    {"regions_baseptr", MinidumpTable.SS_REGIONS_BASEPTR, 8}}) {
                fields.add(new Field(smem, "apss " + f[0], apss + (long) f[1], (int) f[2]));
            }
            for (int region = 0; region < 2; region++) { // a coreimage region and another: every descriptor field
                long at = SmemFile.REGIONS_OFFSET + (long) region * MinidumpTable.REGION_SIZE;
                fields.add(new Field(smem, "region " + region + " seq_num", at + MinidumpTable.REGION_SEQ_NUM, 4));
                fields.add(new Field(smem, "region " + region + " valid", at + MinidumpTable.REGION_VALID_FIELD, 4));
                fields.add(new Field(smem, "region " + region + " address", at + MinidumpTable.REGION_ADDRESS, 8));
                fields.add(new Field(smem, "region " + region + " size", at + MinidumpTable.REGION_LENGTH, 8));
            }
        }
        if (Files.exists(seed.resolve(KinfoRecord.FILE_NAME))) {
            String kinfo = KinfoRecord.FILE_NAME;
            for (Object[] f : new Object[][] {{"magic", KinfoRecord.MAGIC_NUMBER, 4}, {"enabled_all", KinfoRecord.ENABLED_ALL, 4},
                    {"num_syms", KinfoRecord.NUM_SYMS, 4}, {"relative_pa", KinfoRecord.RELATIVE_PA, 8},
                    {"thread_size", KinfoRecord.THREAD_SIZE, 4}, {"swapper_pg_dir_pa", KinfoRecord.SWAPPER_PG_DIR_PA, 8},
                    {"enabled_modules_tree_lookup", KinfoRecord.ENABLED_MODULES_TREE_LOOKUP, 4},
                    {"mod_mem_offset", KinfoRecord.MOD_MEM_OFFSET, 4}, {"mod_kallsyms_offset", KinfoRecord.MOD_KALLSYMS_OFFSET, 4},
                    {"ext magic", KinfoRecord.EXT_MAGIC_FIELD, 4}, {"ext version", KinfoRecord.EXT_VERSION_FIELD, 4},
                    {"ext length", KinfoRecord.EXT_LENGTH_FIELD, 4}, {"log address", KinfoRecord.EXT_LOG, 8},
                    {"log size", KinfoRecord.EXT_LOG + 8, 8}, {"elf address", KinfoRecord.EXT_ELF, 8}, {"elf size", KinfoRecord.EXT_ELF + 8, 8},
                    {"vmcoreinfo address", KinfoRecord.EXT_VMCOREINFO, 8}, {"vmcoreinfo size", KinfoRecord.EXT_VMCOREINFO + 8, 8},
                    {"bundles address", KinfoRecord.EXT_BUNDLES, 8}, {"bundles size", KinfoRecord.EXT_BUNDLES + 8, 8}}) {
                fields.add(new Field(kinfo, (String) f[0], (long) f[1], (int) f[2]));
            }
        }
        return fields;
    }

    /** Sets the field to each hostile value in turn, checksums recomputed, and puts the original back. */
    private void corruptField(Path seed, Field field) throws IOException {
        Path file = seed.resolve(field.file());
        long size = Files.size(file);
        // a u32 field takes the low half: 2^63 is then 0 again, and run once
        long mask = field.size() == 8 ? -1L : 0xFFFF_FFFFL;
        for (long value : LongStream.of(0, 1, -1, 1L << 31, 1L << 63, size, size + 1).map(value -> value & mask).distinct().toArray()) {
            byte[] original = new byte[field.size()];
            edit(file, mapped -> {
                MemorySegment.copy(mapped, ValueLayout.JAVA_BYTE, field.offset(), original, 0, original.length);
                if (field.size() == 8) {
                    mapped.set(LittleEndian.U64, field.offset(), value);
                } else {
                    mapped.set(LittleEndian.U32, field.offset(), (int) value);
                }
                resealKinfo(field.file(), mapped);
            });
            try {
                check(seed, field.file() + " " + field.name() + " = " + Long.toUnsignedString(value));
            } finally {
                edit(file, mapped -> {
                    MemorySegment.copy(original, 0, mapped, ValueLayout.JAVA_BYTE, field.offset(), original.length);
                    resealKinfo(field.file(), mapped);
                });
            }
        }
    }

    /** The kinfo record's checksums, recomputed with the format's own code so a corruption gets past them. */
    private static void resealKinfo(String file, MemorySegment mapped) {
        if (file.equals(KinfoRecord.FILE_NAME) && mapped.byteSize() >= KinfoRecord.AREA_LENGTH) {
            mapped.set(LittleEndian.U32, KinfoRecord.COMBINED_CHECKSUM, KinfoRecord.infoChecksum(mapped));
            mapped.set(LittleEndian.U32, KinfoRecord.EXT_CHECKSUM, KinfoRecord.extensionChecksum(mapped));
        }
    }

    /** Files cut short, sparse and huge, replaced by other kinds of file; zone directory entries piled on each other. */
    private void structural(Path seed) throws Exception {
        List<String> names;
        try (Stream<Path> files = Files.list(seed)) {
            names = files.filter(Files::isRegularFile).map(path -> path.getFileName().toString())
                    .filter(name -> List.of(ArenaFile.FILE_NAME, SmemFile.FILE_NAME, KinfoRecord.FILE_NAME).contains(name)).sorted().toList();
        }
        for (String name : names) {
            long size = Files.size(seed.resolve(name));
            for (long length : new long[] {0, 1, 63, 64, 4095, 4096, ArenaFile.ZONES_START - 1, ArenaFile.ZONES_START, size / 2, size - 1}) {
                if (length >= 0 && length < size) {
                    variant(seed, name, target -> copyPrefix(seed.resolve(name), target, length), name + " cut to " + length);
                }
            }
            variant(seed, name, target -> {
                copyPrefix(seed.resolve(name), target, size);
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.allocate(1), (1L << 40) - 1);
                }
            }, name + " made sparse to 1 TiB");
            variant(seed, name, target -> {
                copyPrefix(seed.resolve(name), target, size);
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE);
                        Arena mapping = Arena.ofConfined()) {
                    MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, 1L << 40, mapping);
                    if (name.equals(ArenaFile.FILE_NAME)) {
                        mapped.set(LittleEndian.U64, ArenaFile.LENGTH, 1L << 40); // consistent: the header agrees
                    }
                }
            }, name + " made sparse to 1 TiB, length field agreeing");
            variant(seed, name, Files::createDirectory, name + " replaced by a directory");
            variant(seed, name, target -> Files.createSymbolicLink(target, Path.of("/dev/zero")), name + " a link to /dev/zero");
            variant(seed, name, target -> {
                Process mkfifo = new ProcessBuilder("mkfifo", target.toString()).start();
                assertEquals(0, mkfifo.waitFor(), "mkfifo");
            }, name + " replaced by a FIFO");
        }
        // every directory entry made a copy of the largest zone, and of the first zone
        for (boolean largest : new boolean[] {true, false}) {
            variant(seed, ArenaFile.FILE_NAME, target -> {
                copyPrefix(seed.resolve(ArenaFile.FILE_NAME), target, Files.size(seed.resolve(ArenaFile.FILE_NAME)));
                edit(target, mapped -> {
                    ZoneDirectory directory = ArenaFile.directory(mapped);
                    List<ZoneDirectory.Entry> entries = directory.validEntries();
                    ZoneDirectory.Entry model = largest ? entries.stream().max(Comparator.comparingLong(ZoneDirectory.Entry::size)).orElseThrow()
                            : entries.getFirst();
                    for (int id = 3; id < ZoneDirectory.ENTRIES; id++) {
                        directory.set(id, "dup" + id, model.address(), model.size());
                    }
                });
            }, "every entry over the " + (largest ? "largest" : "first") + " zone");
        }
    }

    private interface Maker {
        void make(Path target) throws Exception;
    }

    /** A copy of the seed directory (files linked, not copied) with {@code name} made by {@code maker}. */
    private void variant(Path seed, String name, Maker maker, String description) throws Exception {
        Path copy = Files.createDirectories(work.resolve("variant"));
        try (Stream<Path> files = Files.list(seed)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().equals(name)) {
                    Files.createLink(copy.resolve(file.getFileName()), file);
                }
            }
        }
        maker.make(copy.resolve(name));
        try {
            check(copy, description);
        } finally {
            delete(copy);
        }
    }

    private static void copyPrefix(Path from, Path to, long length) throws IOException {
        try (FileChannel in = FileChannel.open(from); FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (long at = 0; at < length; ) {
                at += in.transferTo(at, length - at, out);
            }
        }
    }

    /** Runs collect, inspect and log on the directory and records what broke a rule. */
    private void check(Path directory, String description) throws IOException {
        cases++;
        Path out = Files.createDirectories(outputs.resolve("out"));
        Path core = out.resolve("core.elf");
        for (String[] args : List.of(new String[] {"collect", directory.toString(), "-o", core.toString(), "--bins", out.resolve("bins").toString()},
                new String[] {"inspect", directory.toString()}, new String[] {"log", directory.toString()})) {
            String problem = run(args);
            if (problem != null) {
                failures.add(description + ": " + args[0] + ": " + problem);
            }
        }
        // sizes first (cheap); du only when they exceed the bound, as sparse outputs of sparse inputs do
        if (size(out) > OUTPUT_FACTOR * size(directory) + (1 << 20)) {
            long inputBytes = allocated(directory);
            long outputBytes = allocated(out);
            if (outputBytes > OUTPUT_FACTOR * inputBytes + (1 << 20)) {
                failures.add(description + ": collect wrote " + outputBytes + " bytes from " + inputBytes + " bytes of input");
            }
        }
        delete(out);
    }

    /** @return the apparent size of the regular files under {@code path} */
    private static long size(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            long total = 0;
            for (Path file : files.filter(file -> Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** @return what broke a rule, or {@code null} */
    private String run(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Future<Integer> exit = runner.submit(() -> Collector.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        int code;
        try {
            code = exit.get(CASE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            exit.cancel(true);
            return "no exit after " + CASE_SECONDS + " s";
        } catch (Exception e) {
            return "threw " + e;
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        if (CRASH.matcher(stderr).find()) {
            return "stderr: " + stderr.strip();
        }
        if (Arrays.stream(ExitCode.values()).noneMatch(documented -> documented.code() == code)) {
            return "exit " + code + " is not documented";
        }
        exits[code]++;
        return null;
    }

    /** @return the allocated bytes under {@code path}, from du: the sparse files' holes do not count */
    private static long allocated(Path path) throws IOException {
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", path.toString()).redirectErrorStream(true).start();
            String text = new String(du.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            du.waitFor();
            return Long.parseLong(text.trim().split("\\s+")[0]);
        } catch (InterruptedException | NumberFormatException e) {
            throw new IOException("du " + path + ": " + e, e);
        }
    }

    private static void edit(Path file, Consumer<MemorySegment> change) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE); Arena mapping = Arena.ofConfined()) {
            change.accept(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), mapping));
        }
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
