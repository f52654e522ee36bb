package org.kmemdump.core.internal;

import java.util.function.UnaryOperator;

import org.apache.felix.service.command.Descriptor;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsText;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo shell command {@code kmemdump:threads}, beside {@link KmemdumpCommands} and in its style:
 * plain command properties, so the core needs no shell.
 */
@Component(service = ThreadCommands.class, property = {"osgi.command.scope=kmemdump", "osgi.command.function=threads"})
public class ThreadCommands {
    private final ThreadWatch watch;

    @Activate
    public ThreadCommands(@Reference ThreadWatch watch) {
        this.watch = watch;
    }

    @Descriptor("print every live thread, jstack-like, and write the snapshot to the threads zone")
    public void threads() {
        Snapshot snapshot = watch.snapshotNow();
        System.out.println(ThreadsText.heading(snapshot));
        System.out.println();
        System.out.print(ThreadsText.threads(snapshot, UnaryOperator.identity()));
        if (watch.problem() != null) {
            System.out.println(watch.problem());
        }
    }
}
