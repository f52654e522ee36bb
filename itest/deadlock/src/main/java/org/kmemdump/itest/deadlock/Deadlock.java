package org.kmemdump.itest.deadlock;

import java.io.IOException;
import java.util.Hashtable;
import java.util.concurrent.CyclicBarrier;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * First puts the framework properties {@value #CORE_PREFIX}{@code NAME} into the kmemdump core's
 * configuration as {@code NAME} (a child JVM has no other way to configure it), then, unless
 * {@value #DEADLOCK} is {@code false}, deadlocks the threads {@value #FIRST} and {@value #SECOND}:
 * each holds one of {@link FirstLock} and {@link SecondLock} and blocks on the other.
 */
@Component(immediate = true, service = {})
public class Deadlock {
    static final String CORE_PREFIX = "kmemdump.itest.core.";
    static final String DEADLOCK = "kmemdump.deadlock";
    static final String FIRST = "deadlock-first";
    static final String SECOND = "deadlock-second";

    /** Named classes, so that the locks are recognizable in a thread dump. */
    static final class FirstLock {
    }

    static final class SecondLock {
    }

    @Activate
    public Deadlock(@Reference ConfigurationAdmin configurations, BundleContext context) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (String name : new String[] {"threads.period", "threads.depth", "threads.size", "watchdog.period", "watchdog.stall"}) {
            String value = context.getProperty(CORE_PREFIX + name);
            if (value != null) {
                properties.put(name, name.endsWith("period") || name.endsWith("stall") ? (Object) Double.valueOf(value) : Long.valueOf(value));
            }
        }
        if (!properties.isEmpty()) {
            configurations.getConfiguration("org.kmemdump.core", "?").update(properties);
        }
        if (!"false".equals(context.getProperty(DEADLOCK))) {
            Object first = new FirstLock();
            Object second = new SecondLock();
            CyclicBarrier bothHoldOne = new CyclicBarrier(2);
            Thread.ofPlatform().daemon().name(FIRST).start(() -> lockInOrder(first, second, bothHoldOne));
            Thread.ofPlatform().daemon().name(SECOND).start(() -> lockInOrder(second, first, bothHoldOne));
        }
    }

    private static void lockInOrder(Object held, Object wanted, CyclicBarrier bothHoldOne) {
        synchronized (held) {
            try {
                bothHoldOne.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            synchronized (wanted) {
                throw new IllegalStateException("not deadlocked");
            }
        }
    }
}
