/**
 * The kmemdump collector as a library: reads a kmemdump directory (the arena and its zone
 * directory, the minidump table in smem, the kinfo record) and the owner's memory, collects its
 * zones into an ELF core ({@link org.kmemdump.collector.CoreCollection}) or inspects it
 * ({@link org.kmemdump.collector.Inspection}), and reports what became of every zone in one
 * structure, rendered as text or JSON. Used by the command line and by the runtime.
 */
// NOIMPORT: the library's classes are the collector's own, never substituted by another bundle's copy
@Export(substitution = Export.Substitution.NOIMPORT)
@Version("1.3.0")
package org.kmemdump.collector;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
