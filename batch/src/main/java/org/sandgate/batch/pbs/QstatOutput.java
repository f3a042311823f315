package org.sandgate.batch.pbs;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code qstat -f}: blocks that start with {@code Job Id: ID}, followed by indented
 * {@code name = value} lines. Torque writes {@code exit_status}, PBS Pro {@code Exit_status}; long
 * values that PBS wraps onto continuation lines are not needed and are skipped.
 */
final class QstatOutput {
    private static final Pattern JOB = Pattern.compile("^Job Id:\\s*(\\S+)\\s*$");
    private static final Pattern ATTRIBUTE = Pattern.compile("^\\s+([A-Za-z_.]+) = (.*)$");

    private QstatOutput() {
    }

    /** Attributes by job id, attribute names in lower case. */
    static Map<String, Map<String, String>> parse(String text) {
        Map<String, Map<String, String>> jobs = new HashMap<>();
        Map<String, String> current = null;
        for (String line : text.split("\n")) {
            Matcher job = JOB.matcher(line);
            if (job.matches()) {
                current = new HashMap<>();
                jobs.put(job.group(1), current);
                continue;
            }
            Matcher attribute = ATTRIBUTE.matcher(line);
            if (current != null && attribute.matches()) {
                current.put(attribute.group(1).toLowerCase(java.util.Locale.ROOT), attribute.group(2).strip());
            }
        }
        return jobs;
    }
}
