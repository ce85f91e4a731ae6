package org.panagrad.cli;

import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Lets enum options be written in any case ({@code --optimizer adam}) however the {@code CommandLine} was built, so
 * {@code new CommandLine(new Main())} behaves like {@link Main#main}.
 */
final class CaseInsensitiveEnums implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        spec.parser().caseInsensitiveEnumValuesAllowed(true);
        return spec;
    }
}
