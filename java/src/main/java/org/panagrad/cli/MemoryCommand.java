package org.panagrad.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.MemoryStats;
import org.panagrad.Panagrad;
import org.panagrad.data.Batch;
import org.panagrad.data.DataLoader;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.nn.Block;
import org.panagrad.optim.Adam;
import org.panagrad.train.Fit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/**
 * {@code panagrad memory [steps]}: trains the 784-128-64-10 MLP with Adam for many steps on generated data and prints
 * the native-memory curve (bytes in use, cached, fresh allocations) and the process RSS, to show that steady-state
 * training allocates nothing new.
 */
@Command(name = "memory", mixinStandardHelpOptions = true, modelTransformer = CaseInsensitiveEnums.class,
        description = "Trains the MLP for many steps and prints native memory and RSS along the way.")
final class MemoryCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "20000", description = "training steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch-size", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--points", defaultValue = "20", description = "rows printed along the way (default ${DEFAULT-VALUE})")
    int points;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // Checked before any work; picocli prints the message and the usage (exit 2).
        if (steps < 1) throw new ParameterException(spec.commandLine(), "memory: steps must be >= 1, got " + steps);
        if (batchSize < 1) throw new ParameterException(spec.commandLine(), "memory: --batch-size must be >= 1, got " + batchSize);
        if (points < 1) throw new ParameterException(spec.commandLine(), "memory: --points must be >= 1, got " + points);
        System.out.println(Panagrad.describe());
        Panagrad.manualSeed(7);
        Block model = Recipes.mlp();
        var optimizer = new Adam(model.parameters(), 1e-3);
        var loss = new CrossEntropyLoss();
        DataLoader loader = Recipes.syntheticMnistLike(batchSize);
        Fit fit = Fit.of(model, loss, optimizer);
        long rssStart = rssKiB();
        System.out.printf("RSS at start: %d KiB%n", rssStart);
        System.out.printf("%8s %12s %12s %10s %10s %12s %14s %10s%n", "step", "in use KiB", "cached KiB", "fresh", "reused",
                "RSS KiB", "heap comm. KiB", "loss");
        MemoryStats warm = null;
        int every = Math.max(1, steps / points);
        Iterator<Batch> batches = loader.iterator();
        float last = Float.NaN;
        for (int step = 1; step <= steps; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                if (!batches.hasNext()) batches = loader.iterator();
                last = fit.step(batches.next());
            }
            if (step == Math.min(100, steps)) warm = Memory.stats();
            if (step % every == 0 || step == 1) {
                MemoryStats s = Memory.stats();
                System.out.printf("%8d %12d %12d %10d %10d %12d %14d %10.4f%n", step, s.bytesInUse() / 1024,
                        s.bytesCached() / 1024, s.freshAllocations(), s.reusedAllocations(), rssKiB(),
                        Runtime.getRuntime().totalMemory() / 1024, last);
            }
        }
        MemoryStats end = Memory.stats();
        long rssEnd = rssKiB();
        // RSS also counts Java heap pages as G1 first touches them: ./panagrad.sh memory pre-touches a fixed heap.
        System.out.printf("RSS at end: %d KiB (%+d KiB), Java heap committed %d KiB%n", rssEnd, rssEnd - rssStart,
                Runtime.getRuntime().totalMemory() / 1024);
        long freshAfterWarmup = warm == null ? 0 : end.freshAllocations() - warm.freshAllocations();
        long inUseGrowth = warm == null ? 0 : end.bytesInUse() - warm.bytesInUse();
        System.out.printf("after warm-up (step 100): %d fresh native allocations, native bytes in use changed by %+d%n",
                freshAfterWarmup, inUseGrowth);
        return freshAfterWarmup == 0 && inUseGrowth <= 0 ? 0 : 1;
    }

    /** Resident set size of this process from /proc (Linux), or -1. */
    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
