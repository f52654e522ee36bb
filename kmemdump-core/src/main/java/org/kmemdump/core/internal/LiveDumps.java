package org.kmemdump.core.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.kmemdump.api.LiveDump;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code kmemdump:dump} without {@code --include-sensitive}, as a service. */
@Component
public class LiveDumps implements LiveDump {
    private final KmemdumpRuntime runtime;

    @Activate
    public LiveDumps(@Reference KmemdumpRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String write(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("no file given for the live core");
        }
        Path path = file.toAbsolutePath();
        return CoreDump.summary(path, runtime.dump(path, false));
    }
}
