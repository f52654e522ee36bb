package org.kmemdump.directory.internal;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;

import org.osgi.service.log.Logger;

/** A Log Service logger that records "LEVEL message" lines, as the Log Service would receive them. */
final class RecordingLogger {
    private RecordingLogger() {
    }

    static Logger into(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, arguments) -> {
            if (arguments != null && arguments.length == 1 && arguments[0] instanceof String message) {
                lines.add(method.getName().toUpperCase(Locale.ROOT) + " " + message);
            }
            return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
        });
    }
}
