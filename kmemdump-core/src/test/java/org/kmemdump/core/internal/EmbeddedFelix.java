package org.kmemdump.core.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** A real Felix started in the test's JVM, its storage in {@code storage}: what the core's tests run the runtime's parts against. */
final class EmbeddedFelix {
    private EmbeddedFelix() {
    }

    static Framework start(Path storage) throws BundleException {
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        return framework;
    }
}
