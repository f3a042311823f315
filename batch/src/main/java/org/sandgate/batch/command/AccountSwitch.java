package org.sandgate.batch.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How shared mode acts as a mapped account: {@code sudo -n -u ACCOUNT} runs the job wrapper, which
 * does one of a few fixed actions (make a sandbox, start a job, run a batch command) as that account.
 * The command line holds only the account and the action: the rest goes to the wrapper on its
 * standard input, so that no session id or sandbox path shows in a process list.
 *
 * @param sudo    the sudo program
 * @param wrapper the job wrapper ({@code libexec/sandgate-job-wrapper})
 */
public record AccountSwitch(Path sudo, Path wrapper) {
    public AccountSwitch {
        Objects.requireNonNull(sudo, "sudo");
        Objects.requireNonNull(wrapper, "wrapper");
    }

    /** The command line that runs the wrapper's {@code action} as {@code account}. */
    public List<String> command(String account, String action) {
        return List.of(sudo.toString(), "-n", "-u", account, "--", wrapper.toString(), action);
    }
}
