package org.sandgate.client.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sandgate completion}: a bash (and zsh, with bashcompinit) completion script.
 * Use: {@code source <(sandgate completion)}, or save it in {@code /etc/bash_completion.d/sandgate}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a bash/zsh completion script: source <(sandgate completion)")
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("sandgate", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
