package org.kmemdump.backend.minidump.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.format.DumpDirectory;
import org.kmemdump.format.SmemFile;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The kernel's Qualcomm minidump backend: every zone becomes a region descriptor in the minidump
 * table of the SMEM file {@code <kmemdump.directory>/smem}, where a collector finds the zones after
 * the JVM died. The table is enabled at activation and disabled at deactivation; the file stays.
 *
 * <p>Crash consistency: a region is written whole before it is marked valid and only then counted,
 * and on removal each moved region is valid in its new slot before its old slot is invalidated, so
 * a reader that looks at any instant, even after the JVM was killed between two stores, finds only
 * complete regions. {@link org.kmemdump.format.MinidumpTable#append} and
 * {@link org.kmemdump.format.MinidumpTable#remove} give the exact order.
 *
 * <p>Immediate because of a cycle: the core gets every backend while it activates, and this one
 * needs the core's {@link ZoneRegistry}. When the core (re)starts with this backend present, a
 * delayed backend would be activated from inside the core's activation and fail for good (DS
 * refuses the circular call). Activated on its own, it brings the core up first; DS then logs the
 * cycle and binds this backend to the core once both are active.
 */
@Component(configurationPid = MinidumpBackend.PID, immediate = true)
@Designate(ocd = MinidumpBackend.Config.class)
public class MinidumpBackend implements Backend {
    static final String PID = "org.kmemdump.backend.minidump";

    @ObjectClassDefinition(name = "kmemdump minidump backend",
            description = "Records zones in a Qualcomm minidump table in an SMEM file, for collection after a crash")
    @interface Config {
        @AttributeDefinition(name = "Service ranking",
                description = "The backend with the highest ranking is active (unless the core pins one by name)")
        int service_ranking() default 100;

        @AttributeDefinition(name = "SMEM file",
                description = "Path of the SMEM file; empty for 'smem' in the kmemdump directory (framework property kmemdump.directory)")
        String smem_file() default "";
    }

    private final MinidumpRegions regions;

    /**
     * @param registry unused, but mandatory and static on purpose: the core publishes it only once
     *                 active, and at activation the core moves a dead run's files to
     *                 {@code <dir>/previous/}; waiting for it means this backend never opens, and
     *                 so re-enables, the dead run's SMEM file before the core has put it aside
     */
    @Activate
    public MinidumpBackend(@Reference(name = "registry") ZoneRegistry registry, BundleContext context, Config config) throws IOException {
        regions = MinidumpRegions.open(smemFile(context, config));
    }

    private static Path smemFile(BundleContext context, Config config) throws IOException {
        if (!config.smem_file().isBlank()) {
            return Path.of(config.smem_file()).toAbsolutePath();
        }
        Path directory = DumpDirectory.prepare(DumpDirectory.resolve(context.getProperty(DumpDirectory.PROPERTY)));
        return directory.resolve(SmemFile.FILE_NAME);
    }

    @Deactivate
    void deactivate() {
        regions.close();
    }

    @Override
    public String name() {
        return "minidump";
    }

    @Override
    public void registerRegion(Region region) throws RegionRefusedException {
        regions.register(region);
    }

    @Override
    public void unregisterRegion(Region region) {
        regions.unregister(region);
    }
}
