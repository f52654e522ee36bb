package org.kmemdump.core.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Framework properties as defaults of a component's configuration: a setting that configuration
 * admin does not set is read from the framework property {@value #PREFIX}{@code <key>} (e.g.
 * {@code -Dkmemdump.core.arena.size=134217728}), else it keeps its annotation default. Works for
 * every method of any configuration annotation, so a setting added later gets its property with
 * no further code. A property that does not parse as the setting's type is a warning naming it,
 * and is not used.
 */
final class FrameworkDefaults {
    static final String PREFIX = "kmemdump.core.";

    private FrameworkDefaults() {
    }

    /**
     * @param configured the annotation instance DS built
     * @param setKeys    the keys configuration admin sets: not DS's properties, which also hold every
     *                   annotation default (bnd writes them into the component description)
     * @param framework  looks up a framework property, e.g. {@code BundleContext::getProperty}
     */
    static <T> T apply(Class<T> type, T configured, Set<String> setKeys, Function<String, String> framework,
            Consumer<String> warn) {
        Map<String, Object> values = new HashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            String key = key(method.getName());
            String text = setKeys.contains(key) ? null : framework.apply(PREFIX + key);
            if (text != null) {
                try {
                    values.put(method.getName(), parse(method.getReturnType(), text.trim()));
                } catch (IllegalArgumentException e) {
                    warn.accept("framework property " + PREFIX + key + "=" + text + " is not " + typeName(method.getReturnType())
                            + ": ignored, " + key + " stays " + shown(invoke(method, configured)));
                }
            }
        }
        if (values.isEmpty()) {
            return configured;
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                values.containsKey(method.getName()) ? values.get(method.getName()) : invoke(method, configured)));
    }

    /** @return the property key of a configuration method's name, by the DS rules: {@code __} is {@code _}, {@code _} is {@code .}, {@code $_$} is {@code -} */
    static String key(String methodName) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            if (methodName.startsWith("$_$", i)) {
                key.append('-');
                i += 2;
            } else if (methodName.startsWith("$$", i)) {
                key.append('$');
                i++;
            } else if (methodName.startsWith("__", i)) {
                key.append('_');
                i++;
            } else if (c == '_') {
                key.append('.');
            } else if (c != '$') {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static Object parse(Class<?> type, String text) {
        if (type == String.class) {
            return text;
        }
        if (type == String[].class) {
            return text.isEmpty() ? new String[0] : Arrays.stream(text.split(",")).map(String::trim).toArray(String[]::new);
        }
        if (type == long.class) {
            return Long.parseLong(text);
        }
        if (type == int.class) {
            return Integer.parseInt(text);
        }
        if (type == double.class) {
            return Double.parseDouble(text);
        }
        if (type == boolean.class) {
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException(text);
            }
            return Boolean.parseBoolean(text);
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException(text);
        }
        throw new IllegalArgumentException("a setting of type " + type.getName() + " cannot be given as a framework property");
    }

    private static String typeName(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return switch (type.getSimpleName()) {
            case "long", "int" -> "an integer";
            case "double" -> "a number";
            case "boolean" -> "true or false";
            default -> "a " + type.getSimpleName();
        };
    }

    private static String shown(Object value) {
        return value instanceof String[] list ? String.join(",", list) : String.valueOf(value);
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
