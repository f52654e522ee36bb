/**
 * Byte layouts shared by the writers in the runtime and the readers outside it: each format is
 * defined once, as named offsets and sizes, with the code that writes and reads it.
 */
@Export
@Version("2.1.0")
package org.kmemdump.format;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
