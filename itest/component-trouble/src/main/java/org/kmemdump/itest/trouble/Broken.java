package org.kmemdump.itest.trouble;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Its constructor throws, as a component's does when what it needs is not there: SCR logs the
 * reflection wrapper, and the real cause, with this class's frame, must reach the log ring.
 */
@Component(immediate = true, service = {})
public class Broken {
    static final String CAUSE = "no database: the test bundle's constructor fails on purpose";

    @Activate
    public Broken() {
        throw new IllegalStateException(CAUSE);
    }
}
