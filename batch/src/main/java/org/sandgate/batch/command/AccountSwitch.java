package org.sandgate.batch.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How shared mode acts as a mapped account: {@code sudo -n -u ACCOUNT} runs the job wrapper, which
 * does one of a few fixed actions (make a sandbox, start a job, run a batch command) as that account.
 *
 * @param sudo    the sudo program
 * @param wrapper the job wrapper ({@code libexec/sandgate-job-wrapper})
 */
public record AccountSwitch(Path sudo, Path wrapper) {
    public AccountSwitch {
        Objects.requireNonNull(sudo, "sudo");
        Objects.requireNonNull(wrapper, "wrapper");
    }

    /** The command line that runs the wrapper's {@code action} with {@code args} as {@code account}. */
    public List<String> command(String account, String action, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(sudo.toString(), "-n", "-u", account, "--",
                wrapper.toString(), action));
        argv.addAll(args);
        return argv;
    }
}
