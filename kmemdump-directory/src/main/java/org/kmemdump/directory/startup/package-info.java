/**
 * When the framework has finished starting: {@link org.kmemdump.directory.startup.AfterStartUp}
 * runs work the runtime's bundles defer out of start-up (the first threads snapshot, the
 * collection of the crash store) once every bundle marked started has been started.
 */
@Export
@Version("1.0.0")
package org.kmemdump.directory.startup;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
