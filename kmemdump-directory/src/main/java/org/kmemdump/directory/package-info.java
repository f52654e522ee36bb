/**
 * The kmemdump directory: where the runtime keeps the files that outlive the JVM (the core's arena,
 * the backends' tables) and where the collector looks. Get the {@link org.kmemdump.directory.KmemdumpDirectory}
 * service and keep a file there through it; the service exists even when the directory is unusable,
 * and then says why.
 */
@Export
@Version("2.0.0")
package org.kmemdump.directory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
