package org.kmemdump.core.internal;

import java.io.IOException;

import org.apache.felix.service.command.Descriptor;
import org.kmemdump.api.BackendPinning;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands {@code kmemdump:pin NAME} and {@code kmemdump:unpin}: they pin through the
 * {@link BackendPinning} service ({@link BackendPins}) and print the backends as {@code kmemdump:backends} does.
 */
@Component(service = PinCommands.class, property = {"osgi.command.scope=kmemdump", "osgi.command.function=pin",
        "osgi.command.function=unpin"})
public class PinCommands {
    private final KmemdumpRuntime runtime;
    private final BackendPinning pins;

    @Activate
    public PinCommands(@Reference KmemdumpRuntime runtime, @Reference BackendPinning pins) {
        this.runtime = runtime;
        this.pins = pins;
    }

    @Descriptor("keep the named backend active whatever the rankings (sets pinned.backend in PID org.kmemdump.core)")
    public void pin(@Descriptor("the backend's name, as kmemdump:backends shows it") String name) throws IOException, InterruptedException {
        pins.pin(name);
        KmemdumpCommands.print(runtime.backendChoice(), System.out);
    }

    @Descriptor("let the highest service.ranking choose the active backend again (pinned.backend empty in PID org.kmemdump.core)")
    public void unpin() throws IOException, InterruptedException {
        pins.unpin();
        KmemdumpCommands.print(runtime.backendChoice(), System.out);
    }
}
