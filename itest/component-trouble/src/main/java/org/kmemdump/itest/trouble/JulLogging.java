package org.kmemdump.itest.trouble;

import java.util.logging.Logger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Logs one WARNING through java.util.logging, as a library inside a bundle would. */
@Component(immediate = true, service = {})
public class JulLogging {
    @Activate
    public JulLogging() {
        Logger.getLogger("org.kmemdump.itest.trouble").warning("a java.util.logging warning from component-trouble");
    }
}
