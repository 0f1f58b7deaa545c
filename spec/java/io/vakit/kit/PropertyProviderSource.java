package io.vakit.kit;

import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.ProviderSource;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Another implementation named on the command line: {@code -Dvakit.impl=<AllocatorProvider class>[,<class>...]},
 * found on the class path or in {@code -Dvakit.classpath=<jar or folder>[:<jar or folder>...]}. A class that is
 * not there, a path that does not exist, or a class that is not an {@link AllocatorProvider} is an error that
 * says which.
 */
public final class PropertyProviderSource implements ProviderSource {
    /** Used by ServiceLoader. */
    public PropertyProviderSource() {}

    @Override
    public List<AllocatorProvider> providers() {
        String impl = System.getProperty("vakit.impl", "").strip();
        if (impl.isEmpty()) {
            return List.of();
        }
        ClassLoader loader = loader(System.getProperty("vakit.classpath", "").strip());
        List<AllocatorProvider> out = new ArrayList<>();
        for (String name : impl.split(",")) {
            out.add(instantiate(name.strip(), loader));
        }
        return out;
    }

    /** A provider named by {@code -Dvakit.impl}, by its id or replay name; nothing else is loaded. */
    @Override
    public java.util.Optional<AllocatorProvider> resolve(String name) {
        return providers().stream().filter(p -> p.id().equals(name) || p.replayName().equals(name)).findFirst();
    }

    /** One loader per class path, so that every instance of a named provider has the same classes. */
    private static final java.util.Map<String, ClassLoader> LOADERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static ClassLoader loader(String classpath) {
        ClassLoader parent = PropertyProviderSource.class.getClassLoader();
        if (classpath.isEmpty()) {
            return parent;
        }
        ClassLoader known = LOADERS.get(classpath);
        if (known != null) {
            return known;
        }
        List<URL> urls = new ArrayList<>();
        for (String part : classpath.split(File.pathSeparator)) {
            File f = new File(part);
            if (!f.exists()) {
                throw new IllegalArgumentException("vakit.classpath: no such jar or folder: " + f.getAbsolutePath());
            }
            try {
                urls.add(f.toURI().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("vakit.classpath: bad path " + part, e);
            }
        }
        return LOADERS.computeIfAbsent(classpath, k -> new URLClassLoader(urls.toArray(URL[]::new), parent));
    }

    private static AllocatorProvider instantiate(String name, ClassLoader loader) {
        Class<?> c;
        try {
            c = onClassPath(name);
            if (c == null) {
                c = Class.forName(name, true, loader);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("vakit.impl: class " + name + " is not on the class path"
                    + (System.getProperty("vakit.classpath", "").isBlank() ? " (give its jar with -Dvakit.classpath)"
                            : " nor in vakit.classpath " + System.getProperty("vakit.classpath")), e);
        }
        if (!AllocatorProvider.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("vakit.impl: " + name + " does not implement "
                    + AllocatorProvider.class.getName());
        }
        io.vakit.spec.contract.OutsideImplementations.mark(c);
        try {
            return (AllocatorProvider) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("vakit.impl: " + name + " needs a public no-argument constructor", e);
        }
    }

    /**
     * The class {@code name} as the JVM's own class path has it (a jar named by {@code vakit.classpath} that is also on
     * the class path, as the build puts it for the tests and the workers), or null. Loading from the class path keeps
     * every tool on one class loader: Lincheck's model checking, for one, loads the classes of static fields it meets
     * by name through the application class loader, and fails on classes only a child loader has.
     */
    private static Class<?> onClassPath(String name) {
        try {
            return Class.forName(name, true, PropertyProviderSource.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The providers {@code vakit.impl} names: all of this source's. */
    @Override
    public List<AllocatorProvider> named() {
        return providers();
    }

    /** The providers named by the properties now (empty when {@code vakit.impl} is not set). */
    public static List<AllocatorProvider> namedNow() {
        return new PropertyProviderSource().providers();
    }
}
