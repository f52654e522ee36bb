package org.kmemdump.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Constants;
import org.osgi.service.log.LogEntry;

/**
 * The watchdog's stall probes, kept out of the log ring. Each probe is a refresh of no bundle
 * ({@link Watchdog}), and the Log Service turns its event into a record, as the OSGi Log
 * specification has it do for every framework event: one every {@code watchdog.period}, for as
 * long as the runtime runs, which would push the records worth reading out of the ring.
 *
 * <p>After a probe is sent, the next such record is left out. A refresh of someone else's that comes
 * while a probe is outstanding gives an identical record, so which one is left out changes nothing
 * that the ring shows but a time stamp. A flag, not a count: the watchdog sends a probe only when
 * the last one's event came, and where the Log Service's levels drop these records, a count would
 * grow without end and then swallow as many records of real refreshes.
 */
final class WatchdogProbes {
    /** The record the OSGi Log specification (101.6.3) makes of a {@code PACKAGES_REFRESHED} event. */
    static final String RECORD = "FrameworkEvent PACKAGES REFRESHED";

    private final AtomicBoolean outstanding = new AtomicBoolean();

    /** Called for each probe, before it is sent. */
    void sent() {
        outstanding.set(true);
    }

    /** @return whether {@code entry} is a probe's record, which is then no longer outstanding */
    boolean isProbe(LogEntry entry) {
        return entry.getBundle() != null && entry.getBundle().getBundleId() == Constants.SYSTEM_BUNDLE_ID
                && RECORD.equals(entry.getMessage()) && outstanding.compareAndSet(true, false);
    }
}
