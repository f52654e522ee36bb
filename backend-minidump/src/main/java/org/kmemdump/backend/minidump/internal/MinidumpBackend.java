package org.kmemdump.backend.minidump.internal;

import java.io.IOException;
import java.util.List;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.directory.KeptFile;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.SmemFile;
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
 * <p>The default file is kept in the {@link KmemdumpDirectory}, whose claim put a crashed run's
 * files aside before the service was there, so this backend never re-enables, and so wipes, a dead
 * run's table.
 */
@Component(configurationPid = MinidumpBackend.PID)
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

    /** The SMEM file, kept in the kmemdump directory unless configuration names another. */
    private final KeptFile<MinidumpRegions> regions;

    @Activate
    public MinidumpBackend(@Reference(name = "directory") KmemdumpDirectory directory, Config config) throws IOException {
        regions = directory.keep(SmemFile.FILE_NAME, config.smem_file(), MinidumpRegions::open);
    }

    @Deactivate
    void deactivate() throws IOException {
        regions.close();
    }

    @Override
    public String name() {
        return "minidump";
    }

    @Override
    public void registerRegion(Region region) throws RegionRefusedException {
        regions.file().register(region);
    }

    @Override
    public void unregisterRegion(Region region) {
        regions.file().unregister(region);
    }

    @Override
    public void unregisterRegions(List<Region> all) {
        regions.file().unregisterAll(all);
    }
}
