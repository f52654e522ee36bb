/**
 * The zone registry: mark native memory for post-mortem dumping.
 *
 * <p>Get a {@link org.kmemdump.api.ZoneRegistry} from the service registry, register a
 * {@link java.lang.foreign.MemorySegment} under an id from {@link org.kmemdump.api.ZoneIds}, and the
 * active backend makes it collectable however the process ends.
 */
@Export
@Version("1.4.0")
package org.kmemdump.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
