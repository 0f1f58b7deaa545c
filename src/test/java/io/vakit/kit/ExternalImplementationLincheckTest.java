package io.vakit.kit;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.nat.GlibcProvider;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Lincheck (stress and model checking) against the first {@code -Dvakit.impl} provider, when it is thread-safe. */
public class ExternalImplementationLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor: the named provider, or glibc as a stand-in when none is named (the tests abort). */
    public ExternalImplementationLincheckTest() {
        super(provider());
    }

    private static AllocatorProvider provider() {
        return PropertyProviderSource.namedNow().stream().findFirst()
                .or(() -> io.vakit.nat.NativeProviderSource.namedLibrary().stream().findFirst())
                .orElseGet(GlibcProvider::new);
    }

    private static void requireThreadSafeImpl() {
        AllocatorProvider p = ExternalImplementationTest.named().get(0);
        if (!p.descriptor().has(Feature.THREAD_SAFE)) {
            String why = p.id() + " does not declare THREAD_SAFE: no concurrent checks apply";
            System.out.println("skipped: " + why);
            Assumptions.abort(why);
        }
    }

    @Test
    void stressMode() {
        requireThreadSafeImpl();
        check(stressOptions(), getClass());
    }

    @Test
    void modelChecking() {
        requireThreadSafeImpl();
        check(modelCheckingOptions(), getClass());
    }
}
