/**
 * The service interface a dump backend implements: the registry hands every zone to exactly one
 * active {@link org.kmemdump.backend.Backend} and swaps zones over when the active one changes.
 */
@Export
@Version("1.1.0")
package org.kmemdump.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
