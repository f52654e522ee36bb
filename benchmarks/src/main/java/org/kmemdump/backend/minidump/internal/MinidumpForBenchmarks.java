package org.kmemdump.backend.minidump.internal;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.kmemdump.backend.Backend;

/** The real {@link MinidumpBackend} component, made outside a framework on an SMEM file of the benchmark's. */
public final class MinidumpForBenchmarks {
    private MinidumpForBenchmarks() {
    }

    public static Backend open(Path smem) throws IOException {
        // a configured file: the component then needs no bundle context
        return new MinidumpBackend(null, new MinidumpBackend.Config() {
            @Override
            public int service_ranking() {
                return 100;
            }

            @Override
            public String smem_file() {
                return smem.toString();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return MinidumpBackend.Config.class;
            }
        });
    }

    public static void close(Backend backend) throws IOException {
        ((MinidumpBackend) backend).deactivate();
    }
}
