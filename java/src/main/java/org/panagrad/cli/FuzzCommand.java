package org.panagrad.cli;

import java.util.concurrent.Callable;
import org.panagrad.Backend;
import org.panagrad.fuzz.DifferentialFuzzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code panagrad fuzz [programs] [seed]}: a differential-fuzzing campaign, native against pure Java. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Runs random tensor programs on both backends and compares values and gradients.")
final class FuzzCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "10000", description = "programs to run (default ${DEFAULT-VALUE})")
    int programs;

    @Parameters(index = "1", arity = "0..1", description = "first seed (default: the time)")
    Long seed;

    @Override
    public Integer call() {
        long first = seed != null ? seed : System.currentTimeMillis();
        System.out.println("differential fuzzing: " + programs + " programs from seed " + first + ", NATIVE vs JAVA");
        DifferentialFuzzer.Result r = new DifferentialFuzzer(Backend.NATIVE, Backend.JAVA).progress(System.out).run(first, programs);
        System.out.println(r.summary() + (r.rejected() > 0 ? " (" + r.rejected() + " ill-conditioned programs regenerated)" : ""));
        if (!r.passed()) System.out.println(r.firstFailure().report());
        return r.passed() ? 0 : 1;
    }
}
