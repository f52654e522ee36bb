package org.kmemdump.directory.startup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Runs work once, when the framework has finished starting: on the first {@code STARTED} or
 * {@code STARTLEVEL_CHANGED} framework event after {@link #run}, or at once if start-up is
 * already over ({@link #done}).
 *
 * <p>The system bundle being {@code ACTIVE} is not enough: bnd's launcher starts the framework at
 * start level 1 ({@code STARTED} fires, the system bundle is {@code ACTIVE}) and only then raises the
 * start level to its target, starting the bundles on the way and ending with {@code STARTLEVEL_CHANGED}.
 * Plain Felix and Equinox raise the level before {@code STARTED}, with the system bundle {@code STARTING}.
 *
 * <p>A bundle can be marked started at a level the framework never reaches (an operator's way to
 * park it): then no event ends the wait, so with the system bundle {@code ACTIVE} the work also runs
 * {@link #PARKED_BOUND} after {@link #run} at the latest.
 */
public final class AfterStartUp implements AutoCloseable {
    /** How long work waits for the end of a start level raise that may never come. */
    public static final Duration PARKED_BOUND = Duration.ofSeconds(60);

    private final BundleContext context;
    private final Runnable work;
    private final AtomicBoolean ran = new AtomicBoolean();
    private final FrameworkListener listener = this::frameworkEvent;

    private AfterStartUp(BundleContext context, Runnable work) {
        this.context = context;
        this.work = work;
    }

    /**
     * Runs {@code work} once start-up is over, on the framework's event thread or, if it is over
     * already, on this one.
     *
     * @return closing it forgets the work if it has not run yet
     * @throws IllegalArgumentException if either is null; nothing is registered then
     */
    public static AfterStartUp run(BundleContext context, Runnable work) {
        return run(context, work, PARKED_BOUND);
    }

    /** {@link #run(BundleContext, Runnable)} with another bound than {@link #PARKED_BOUND}, for tests. */
    static AfterStartUp run(BundleContext context, Runnable work, Duration parkedBound) {
        if (context == null || work == null) {
            throw new IllegalArgumentException((context == null ? "the bundle context" : "the work") + " is null: nothing to run after start-up");
        }
        AfterStartUp waiting = new AfterStartUp(context, work);
        context.addFrameworkListener(waiting.listener);
        if (done(context)) {
            waiting.once();
        } else if (context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.ACTIVE) {
            CompletableFuture.delayedExecutor(parkedBound.toNanos(), TimeUnit.NANOSECONDS).execute(waiting::once);
        }
        return waiting;
    }

    /**
     * @return whether the framework has finished starting: the system bundle is {@code ACTIVE} and
     *         its active start level reaches every bundle marked started (so no start level change
     *         is still on its way to start one)
     */
    public static boolean done(BundleContext context) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (system == null || system.getState() != Bundle.ACTIVE) {
            return false;
        }
        int active = system.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel level = bundle.getBundleId() == 0 ? null : bundle.adapt(BundleStartLevel.class);
            try {
                if (level != null && level.isPersistentlyStarted() && level.getStartLevel() > active) {
                    return false;
                }
            } catch (IllegalArgumentException uninstalled) { // uninstalled meanwhile: starts nothing
            }
        }
        return true;
    }

    private void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            once();
        }
    }

    private void once() {
        if (ran.compareAndSet(false, true)) {
            try {
                context.removeFrameworkListener(listener);
            } catch (IllegalStateException stopped) { // the bundle stopped meanwhile, and close() was not called
                return;
            }
            work.run();
        }
    }

    /** Forgets the work if it has not run yet; call it when the component that asked deactivates. */
    @Override
    public void close() {
        ran.set(true);
        try {
            context.removeFrameworkListener(listener);
        } catch (IllegalStateException stopped) { // the bundle's context is no longer valid: its listeners are gone
        }
    }
}
