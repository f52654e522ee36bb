package org.kmemdump.directory.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.kmemdump.directory.FileOpener;
import org.kmemdump.directory.KeptFile;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.CrashEntry;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The kmemdump directory, claimed when the component activates (the lock taken, the last run's
 * files put into the {@link CrashStore crash store}, the store pruned) and released when it
 * deactivates, after DS has deactivated every component that uses it. Immediate, so the claim does
 * not depend on which bundle asks first. An unusable directory does not fail the activation: the
 * service is registered and says why.
 *
 * <p>The store's retention is this component's configuration, PID {@value #PID}: the store is filled
 * when the directory is claimed, before the core (which depends on the directory) exists, and the
 * automatic collection reads its {@code crashes.keep.raw} from the same PID, so an operator
 * configures the crash store in one place. A change prunes at once.
 */
@Component(service = KmemdumpDirectory.class, immediate = true, configurationPid = ClaimedDirectory.PID)
@Designate(ocd = ClaimedDirectory.Config.class)
public final class ClaimedDirectory implements KmemdumpDirectory {
    static final String PID = "org.kmemdump.crashes";

    @ObjectClassDefinition(name = "kmemdump crash store",
            description = "The entries crashes/<start time>-<pid>/ that the runs which did not end cleanly left in the kmemdump directory: "
                    + "oldest pruned first (the newest is always kept), each pruning logged")
    @interface Config {
        @AttributeDefinition(name = "Entries kept", description = "At most this many entries, 1 to 10000")
        int crashes_count() default Retention.DEFAULT_COUNT;

        @AttributeDefinition(name = "Bytes kept",
                description = "At most this many bytes in all entries (apparent file sizes: a sparse arena counts its whole length); 0 for no bound")
        long crashes_bytes() default 0;

        @AttributeDefinition(name = "Days kept", description = "No entry whose files were last written longer ago; 0 for no bound")
        long crashes_age_days() default 0;

        @AttributeDefinition(name = "Keep raw files",
                description = "Whether the automatic collection keeps an entry's run files (arena, smem, kinfo) after it collected "
                        + "core.elf and the summary; by default they are dropped to bound the space. A failed collection always keeps them")
        boolean crashes_keep_raw() default false;
    }

    private final Path path;
    /** Null when the directory is unusable; then {@link #problem} says why. */
    private final DirectoryLock lock;
    private final String problem;
    /** The names of the files kept now: one owner per file. */
    private final Set<String> kept = new HashSet<>();
    private boolean released;
    /** What the store did before a Log Service was there to hear it. */
    private final List<String[]> unlogged = new ArrayList<>();
    private Logger logger;
    private Retention retention;

    @Activate
    public ClaimedDirectory(BundleContext context, Config config) {
        this(location(context.getProperty(PROPERTY)), retentionOrDefault(config));
        try {
            retention(config);
        } catch (IllegalArgumentException refused) {
            log(true, refused.getMessage() + ": the crash store keeps the default retention, " + Retention.DEFAULT);
        }
    }

    /** Claims {@code directory} with the default retention; outside a framework, e.g. in tests, {@link #release} it when done. */
    public ClaimedDirectory(Path directory) {
        this(directory, Retention.DEFAULT);
    }

    ClaimedDirectory(Path directory, Retention retention) {
        this.retention = retention;
        Path claimed = directory;
        DirectoryLock taken = null;
        String refusal = null;
        try {
            claimed = DirectoryLock.prepare(directory);
            taken = DirectoryLock.take(claimed);
            CrashStore.settle(claimed, retention, report());
        } catch (IOException | RuntimeException e) {
            refusal = e.getMessage();
            if (taken != null) {
                try {
                    taken.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                taken = null;
            }
        }
        this.path = claimed;
        this.lock = taken;
        this.problem = refusal;
    }

    /**
     * A changed retention prunes at once; one out of range is refused with a message naming the
     * value, and the retention stays as it was.
     */
    @Modified
    void modified(Config config) {
        Retention wanted;
        try {
            wanted = retention(config);
        } catch (IllegalArgumentException refused) {
            log(true, refused.getMessage() + ": the crash store keeps its retention, " + retention);
            return;
        }
        synchronized (kept) {
            retention = wanted;
            if (problem != null || released) {
                return;
            }
        }
        try {
            CrashStore.prune(path, wanted, report());
        } catch (IOException e) {
            log(true, "cannot prune the crash store in " + path + ": " + e.getMessage());
        }
    }

    private static Retention retention(Config config) {
        return Retention.of(config.crashes_count(), config.crashes_bytes(), config.crashes_age_days());
    }

    private static Retention retentionOrDefault(Config config) {
        try {
            return retention(config);
        } catch (IllegalArgumentException refused) {
            return Retention.DEFAULT;
        }
    }

    /** Greedy, so a Log Service that starts after the claim still hears what the store did then. */
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLogger(Logger bound) {
        List<String[]> pending;
        synchronized (unlogged) {
            logger = bound;
            pending = List.copyOf(unlogged);
            unlogged.clear();
        }
        pending.forEach(message -> log(message[0] != null, message[1]));
    }

    void unbindLogger(Logger unbound) {
        synchronized (unlogged) {
            if (logger == unbound) {
                logger = null;
            }
        }
    }

    private CrashStore.Report report() {
        return new CrashStore.Report() {
            @Override
            public void info(String message) {
                log(false, message);
            }

            @Override
            public void warn(String message) {
                log(true, message);
            }
        };
    }

    private void log(boolean warning, String message) {
        Logger current;
        synchronized (unlogged) {
            current = logger;
            if (current == null) {
                unlogged.add(new String[] {warning ? "warn" : null, message});
                return;
            }
        }
        if (warning) {
            current.warn(message);
        } else {
            current.info(message);
        }
    }

    /** @return the configured directory, or the default when {@code configured} is null or blank */
    public static Path location(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return parent.resolve("kmemdump-" + user);
    }

    /** Lets go of the directory: the lock file stays, unlocked. Files still kept are their owners' to close. */
    @Deactivate
    public void release() throws IOException {
        synchronized (kept) {
            if (released) {
                return;
            }
            released = true;
        }
        if (lock != null) {
            lock.close();
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public <T extends Closeable> KeptFile<T> keep(String name, FileOpener<T> opener) throws IOException {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.equals(LOCK_FILE) || name.startsWith(CrashEntry.CRASHES) || name.startsWith(CrashEntry.STOPPED)) {
            throw new IllegalArgumentException("'" + name + "' is not a file name of its own in the kmemdump directory");
        }
        synchronized (kept) {
            if (problem != null) {
                throw new IOException(problem);
            }
            if (released) {
                throw new IOException(path + " is no longer claimed by this runtime");
            }
            if (!kept.add(name)) {
                throw new IOException(path.resolve(name) + " is in use by another owner in this kmemdump runtime");
            }
        }
        try {
            return new Kept<>(opener.open(path.resolve(name)), () -> letGo(name));
        } catch (IOException | RuntimeException e) {
            letGo(name);
            throw e;
        }
    }

    @Override
    public <T extends Closeable> KeptFile<T> keep(String name, String configuredFile, FileOpener<T> opener) throws IOException {
        if (configuredFile == null || configuredFile.isBlank()) {
            return keep(name, opener);
        }
        return new Kept<>(opener.open(Path.of(configuredFile).toAbsolutePath()), () -> { });
    }

    private void letGo(String name) {
        synchronized (kept) {
            kept.remove(name);
        }
    }
}
