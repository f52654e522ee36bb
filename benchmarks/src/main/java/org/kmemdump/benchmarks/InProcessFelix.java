package org.kmemdump.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A real Felix started in this process, on a scratch directory (framework storage and the
 * kmemdump directory) that {@link #close()} deletes, with bundles the reactor built, installed by
 * artifact id from one directory ({@code benchmarks/target/bench-bundles}).
 *
 * <p>{@link #withApiFromClassPath} makes the system bundle export the kmemdump API packages from
 * this class path instead of installing the API bundle: the core then implements the very
 * {@link ZoneRegistry} and {@code Backend} types the caller holds, so a benchmark calls the
 * service and registers backends directly, as any bundle would.
 */
final class InProcessFelix implements AutoCloseable {
    /** The framework's services the kmemdump core needs: SCR and its API bundles, ConfigAdmin, Felix Log. */
    static final List<String> SERVICES = List.of("org.apache.felix.scr", "org.osgi.service.component", "org.osgi.util.promise",
            "org.osgi.util.function", "org.apache.felix.configadmin", "org.apache.felix.log", "org.osgi.service.log");
    /** The system property naming the bundle directory, for benchmarks that JMH runs (build.sh and the smoke tests set it). */
    static final String BUNDLES_PROPERTY = "kmemdump.bench.bundles";

    private final Path bundles;
    private final Path work;
    private final Framework framework;

    private InProcessFelix(Path bundles, Path work, Framework framework) {
        this.bundles = bundles;
        this.work = work;
        this.framework = framework;
    }

    /** @return the bundle directory named by {@value #BUNDLES_PROPERTY} */
    static Path bundleDirectory() {
        String directory = System.getProperty(BUNDLES_PROPERTY);
        if (directory == null) {
            throw new IllegalStateException("no -D" + BUNDLES_PROPERTY + "=<directory of the bundles>"
                    + " (the benchmarks module copies them to target/bench-bundles at package)");
        }
        return Path.of(directory).toAbsolutePath();
    }

    /** Starts a framework with no bundles installed yet and {@code properties} added to its own. */
    static InProcessFelix start(Path bundles, Map<String, String> properties) throws IOException, BundleException {
        if (!Files.isDirectory(bundles)) {
            throw new IllegalStateException("no bundle directory " + bundles + " (the benchmarks module copies the bundles at package)");
        }
        Path work = Scratch.directory("kmemdump-bench-felix");
        Map<String, String> all = new HashMap<>(properties);
        all.put("org.osgi.framework.storage", work.resolve("framework").toString());
        all.put("org.osgi.framework.storage.clean", "onFirstInit");
        all.put("kmemdump.directory", work.resolve("kmemdump").toString());
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no FrameworkFactory on the class path: the Felix framework jar"))
                .newFramework(all);
        try {
            framework.start();
        } catch (BundleException | RuntimeException e) {
            Scratch.delete(work);
            throw e;
        }
        return new InProcessFelix(bundles, work, framework);
    }

    /** Starts a framework whose system bundle exports the kmemdump API packages of this class path. */
    static InProcessFelix withApiFromClassPath(Path bundles) throws IOException, BundleException {
        return start(bundles, Map.of("org.osgi.framework.system.packages.extra", apiExports()));
    }

    /** Installs {@code <artifact id>.jar} of each name, then starts them in that order. */
    List<Bundle> startAll(List<String> artifactIds) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (String artifactId : artifactIds) {
            installed.add(install(artifactId));
        }
        for (Bundle bundle : installed) {
            bundle.start();
        }
        return installed;
    }

    Bundle install(String artifactId) throws BundleException {
        Path jar = bundles.resolve(artifactId + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no bundle " + jar);
        }
        return context().installBundle(jar.toUri().toString());
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /** @return the framework property {@code kmemdump.directory}: where the core keeps its arena */
    Path kmemdumpDirectory() {
        return work.resolve("kmemdump");
    }

    @Override
    public void close() throws Exception {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } finally {
            Scratch.delete(work);
        }
    }

    /** @return the Export-Package header of the jar (or classes directory) the API was loaded from */
    private static String apiExports() throws IOException {
        Path location;
        try {
            location = Path.of(ZoneRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the kmemdump API's class path entry is not a file", e);
        }
        Manifest manifest;
        if (Files.isDirectory(location)) {
            try (InputStream in = Files.newInputStream(location.resolve(JarFile.MANIFEST_NAME))) {
                manifest = new Manifest(in);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                manifest = jar.getManifest();
            }
        }
        String exports = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
        if (exports == null) {
            throw new IllegalStateException("the kmemdump API on the class path (" + location + ") has no Export-Package header");
        }
        return exports;
    }
}
