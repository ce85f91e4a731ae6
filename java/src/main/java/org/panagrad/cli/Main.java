package org.panagrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * panagrad's command line: {@code train}, {@code memory} and {@code fuzz}. {@code ./panagrad.sh <command>} builds
 * everything and runs this class.
 */
@Command(name = "panagrad", mixinStandardHelpOptions = true, version = "panagrad 0.1.0",
        description = "Train neural networks in Java with panagrad.",
        subcommands = {TrainCommand.class, MemoryCommand.class, FuzzCommand.class}, modelTransformer = CaseInsensitiveEnums.class)
public final class Main implements Runnable {

    /** Entry point; exits with the command's status. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
