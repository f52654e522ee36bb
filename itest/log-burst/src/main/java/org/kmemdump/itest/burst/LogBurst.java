package org.kmemdump.itest.burst;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Logs {@code hello 1} to {@code hello 3} (the last one at ERROR with an exception whose message
 * holds a Web Console placeholder), then, unless
 * the framework property {@value #BURST} is {@code false}, {@code burst 1}, {@code burst 2}, ... as
 * fast as it can until stopped or killed: the crash tests kill the JVM in the middle of the burst
 * and read the log ring back from outside.
 */
@Component(immediate = true, service = {})
public class LogBurst {
    static final String BURST = "kmemdump.burst";
    private final Thread burster;
    private volatile boolean running;

    @Activate
    public LogBurst(@Reference(service = LoggerFactory.class) Logger logger, BundleContext context) {
        logger.info("hello 1");
        logger.warn("hello 2");
        // the placeholder is a Web Console variable: the page must show it as logged, not resolved
        logger.error("hello 3", new IllegalStateException("a known failure, ${appRoot} unresolved"));
        running = !"false".equals(context.getProperty(BURST));
        burster = Thread.ofPlatform().name("log-burst").start(() -> {
            for (long n = 1; running; n++) {
                logger.info("burst " + n);
            }
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        burster.join();
    }
}
