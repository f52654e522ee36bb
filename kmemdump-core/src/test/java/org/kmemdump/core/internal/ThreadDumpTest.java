package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.ThreadEntry;
import org.kmemdump.format.ThreadsSnapshot.Trigger;

/** What a snapshot holds for each trigger: the periodic one leaves out the ownable synchronizers (a heap walk each). */
class ThreadDumpTest {
    @Test
    void onlyOnDemandAndWatchdogSnapshotsListOwnableSynchronizers() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("holds-a-reentrant-lock").start(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        try {
            held.await();
            for (Trigger trigger : Trigger.values()) {
                List<String> synchronizers = holder(ThreadDump.take(8, trigger)).synchronizers();
                if (trigger == Trigger.PERIODIC) {
                    assertEquals(List.of(), synchronizers, "periodic: no heap walk");
                } else {
                    assertEquals(1, synchronizers.size(), trigger + ": " + synchronizers);
                    assertTrue(synchronizers.get(0).startsWith("java.util.concurrent.locks.ReentrantLock$NonfairSync@"), synchronizers.get(0));
                }
            }
        } finally {
            release.countDown();
            holder.join();
        }
    }

    private static ThreadEntry holder(Snapshot snapshot) {
        return snapshot.threads().stream().filter(thread -> thread.name().equals("holds-a-reentrant-lock")).findFirst().orElseThrow();
    }
}
