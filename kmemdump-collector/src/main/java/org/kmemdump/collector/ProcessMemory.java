package org.kmemdump.collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;


/**
 * The owner process's memory, read through {@code /proc/PID/mem} with positional reads at the
 * regions' addresses, never more than a region's size, stopping at the first chunk that fails.
 *
 * <p>The file is opened first and the owner's identity checked afterwards: an open
 * {@code /proc/PID/mem} stays bound to the process it was opened for, so if the pid still
 * belongs to the owner after the open, every later read reads the owner, even if the pid is
 * reused in between (the reads then fail instead).
 *
 * <p>A forged arena can name any process: its memory is read only if the process runs as the uid
 * that owns the arena file (who could read it anyway), whoever runs the collector. Run as root,
 * the collector says whose memory it reads.
 */
final class ProcessMemory implements Source, AutoCloseable {
    private final long pid;
    private final FileChannel mem;
    private final String unavailable;
    private final String notice;
    private final ByteBuffer chunk;

    private ProcessMemory(long pid, FileChannel mem, String unavailable) {
        this(pid, mem, unavailable, null);
    }

    private ProcessMemory(long pid, FileChannel mem, String unavailable, String notice) {
        this.pid = pid;
        this.mem = mem;
        this.unavailable = unavailable;
        this.notice = notice;
        this.chunk = mem == null ? null : ByteBuffer.allocateDirect(CHUNK);
    }

    /**
     * @param arenaOwner the uid that owns the arena file
     * @return the owner's memory, or one that {@link #unavailable() explains} why it cannot be read
     */
    static ProcessMemory open(OwnerProcess owner, int arenaOwner) {
        if (owner.state() == OwnerProcess.State.CLEAN) {
            return new ProcessMemory(owner.pid(), null, "the owner shut down cleanly");
        }
        if (!owner.memoryReadable()) {
            return new ProcessMemory(owner.pid(), null, "process gone: " + owner.detail());
        }
        Path path = Path.of("/proc", Long.toString(owner.pid()), "mem");
        FileChannel mem;
        try {
            mem = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            return new ProcessMemory(owner.pid(), null, path + ": " + IoMessages.of(e));
        }
        Integer uid = uid(Path.of("/proc", Long.toString(owner.pid())));
        String notSame = OwnerProcess.identityProblem(owner.pid(), owner.startTime());
        if (notSame != null) {
            close(mem);
            return new ProcessMemory(owner.pid(), null, "process gone: " + notSame);
        }
        if (uid == null || uid != arenaOwner) {
            close(mem);
            return new ProcessMemory(owner.pid(), null, "process " + owner.pid() + " runs as uid " + uid + " but the arena file belongs to uid "
                    + arenaOwner + ": its memory is not read");
        }
        Integer self = uid(Path.of("/proc/self"));
        String notice = self != null && self == 0 ? "run as root: reading the memory of process " + owner.pid() + " (uid " + uid
                + ", the arena file's owner)" : null;
        return new ProcessMemory(owner.pid(), mem, null, notice);
    }

    /** @return the uid that owns a /proc entry: a process's effective uid, or {@code null} if it cannot be told */
    private static Integer uid(Path proc) {
        try {
            return (Integer) Files.getAttribute(proc, "unix:uid");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return the line that says whose memory is read when run as root, or {@code null} */
    String notice() {
        return notice;
    }

    /** @return why no region can be read from the process, or {@code null} if they can be tried */
    String unavailable() {
        return unavailable;
    }

    @Override
    public String label() {
        return "process";
    }

    @Override
    public Outcome copy(Zone zone, Sink sink) throws Failure {
        if (mem == null) {
            return Outcome.lost(unavailable);
        }
        for (long at = 0; at < zone.size(); ) {
            chunk.clear().limit((int) Math.min(CHUNK, zone.size() - at));
            String problem = read(zone.address() + at);
            if (problem != null) {
                return Outcome.lost(problem + " (" + at + " of " + zone.size() + " bytes read)");
            }
            chunk.flip();
            at += chunk.remaining();
            sink.accept(chunk);
        }
        return Outcome.OK;
    }

    @Override
    public Outcome probe(Zone zone) {
        if (mem == null) {
            return Outcome.lost(unavailable);
        }
        for (long address : new long[] {zone.address(), zone.address() + zone.size() - 1}) {
            chunk.clear().limit(1);
            String problem = read(address);
            if (problem != null) {
                return Outcome.lost(problem);
            }
        }
        return Outcome.OK;
    }

    /** Fills {@code chunk} up to its limit from {@code address}; every pass reads at least one byte or gives up. */
    private String read(long address) {
        while (chunk.hasRemaining()) {
            long at = address + chunk.position();
            if (at < 0) {
                return "address " + Sizes.hex(at) + " is beyond what /proc/" + pid + "/mem can read";
            }
            int read;
            try {
                read = mem.read(chunk, at);
            } catch (IOException e) {
                return "/proc/" + pid + "/mem unreadable at " + Sizes.hex(at) + ": " + IoMessages.of(e);
            }
            if (read <= 0) {
                return "/proc/" + pid + "/mem returned nothing at " + Sizes.hex(at);
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (mem != null) {
            close(mem);
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // read-only: nothing was lost
        }
    }
}
