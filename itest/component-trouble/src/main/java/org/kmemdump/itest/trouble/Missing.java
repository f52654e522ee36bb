package org.kmemdump.itest.trouble;

/** A service nobody registers: {@link Waiting} waits for it forever. */
public interface Missing {
}
