/**
 * Byte layouts shared by the writers in the runtime and the readers outside it: each format is
 * defined once, as named offsets and sizes, with the code that writes and reads it. Also the names
 * of the files they are kept in ({@link org.kmemdump.format.RunFiles}, {@link org.kmemdump.format.PartFile}).
 */
@Export
@Version("2.2.0")
package org.kmemdump.format;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
