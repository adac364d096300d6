import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The node module's classes, in this script's JVM: built if stale (ModuleBuild), loaded through one
 * class loader, and called by reflection with JDK types only. This is how scripts read
 * raft_config.json with the node's own validating loader, run nokv-config in-process, and ask a
 * cluster whether it is up, without compiling against the module.
 */
public final class NodeClasses {
    private static URLClassLoader loader;

    private NodeClasses() {
    }

    public static synchronized ClassLoader loader() {
        if (loader == null) {
            List<Path> cp = ModuleBuild.classpath(NokvCheckout.require(), ModuleBuild.Module.NODE);
            URL[] urls = cp.stream().map(NodeClasses::url).toArray(URL[]::new);
            loader = new URLClassLoader("nokv-node", urls, ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }

    public static Class<?> load(String className) {
        try {
            return Class.forName(className, true, loader());
        } catch (ClassNotFoundException e) {
            throw new ScriptFailure("the node module has no class " + className + " (rebuild with ./mvnw -pl node -am package)");
        }
    }

    /** Calls a public static method by name and argument count. */
    public static Object callStatic(String className, String method, Object... args) {
        return invoke(load(className), null, method, args);
    }

    /** Calls a public instance method (record accessors included) by name and argument count. */
    public static Object call(Object target, String method, Object... args) {
        return invoke(target.getClass(), target, method, args);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object enumValue(String className, String name) {
        return Enum.valueOf((Class) load(className), name);
    }

    private static Object invoke(Class<?> cls, Object target, String method, Object[] args) {
        Method m = Arrays.stream(cls.getMethods())
                .filter(x -> x.getName().equals(method) && x.getParameterCount() == args.length && argsFit(x, args))
                .findFirst()
                .orElseThrow(() -> new ScriptFailure("the node module's " + cls.getName() + " has no method " + method
                        + " taking " + args.length + " argument(s)"));
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader());
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            throw new ScriptFailure(message.lines().findFirst().orElse(message));
        } catch (IllegalAccessException e) {
            throw new ScriptFailure("cannot call " + cls.getName() + "." + method + ": " + e.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static boolean argsFit(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            if (args[i] != null && !box(types[i]).isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        if (t == long.class) {
            return Long.class;
        }
        if (t == int.class) {
            return Integer.class;
        }
        if (t == boolean.class) {
            return Boolean.class;
        }
        return Object.class;
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new ScriptFailure("bad classpath entry " + p);
        }
    }
}
