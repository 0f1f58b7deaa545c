package io.vakit.stress;

import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;

/**
 * Runs JCStress and fails when the filter matched no test: plain JCStress prints "No matching tests" and exits 0,
 * which would let a build pass with nothing run. A forbidden outcome makes JCStress itself exit non-zero.
 */
public final class StressMain {
    private StressMain() {}

    /** Takes JCStress's own options. */
    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        if (!options.parse()) {
            System.exit(2);
        }
        JCStress jcstress = new JCStress(options);
        var tests = jcstress.getTests();
        if (tests.isEmpty()) {
            System.err.println("vakit: JCStress filter '" + options.getTestFilter() + "' matched no test; failing");
            System.exit(1);
        }
        System.out.println("vakit: running " + tests.size() + " JCStress tests: " + tests);
        try {
            jcstress.run();
        } catch (AssertionError e) {
            System.err.println("vakit: JCStress found forbidden outcomes: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
