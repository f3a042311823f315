package org.sandgate.batch.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QstatOutputTest {
    @Test
    void readsTorqueOutput() {
        String torque = """
                Job Id: 4211.head.example.org
                    Job_Name = sg0123456789abc
                    Job_Owner = alice@login.example.org
                    job_state = C
                    queue = batch
                    exit_status = 3
                    Variable_List = PBS_O_QUEUE=batch,PBS_O_HOME=/home/alice,
                \tPBS_O_WORKDIR=/data/sandboxes/0123

                Job Id: 4212.head.example.org
                    job_state = R
                """;
        Map<String, Map<String, String>> jobs = QstatOutput.parse(torque);
        assertEquals("C", jobs.get("4211.head.example.org").get("job_state"));
        assertEquals("3", jobs.get("4211.head.example.org").get("exit_status"));
        assertEquals("R", jobs.get("4212.head.example.org").get("job_state"));
    }

    @Test
    void readsPbsProOutputWithItsCapitalisedExitStatus() {
        String pbsPro = """
                Job Id: 77.pbsserver
                    Job_Name = sgabc
                    job_state = F
                    Exit_status = 0
                """;
        assertEquals("0", QstatOutput.parse(pbsPro).get("77.pbsserver").get("exit_status"));
        assertEquals("F", QstatOutput.parse(pbsPro).get("77.pbsserver").get("job_state"));
    }

    @Test
    void readsSlurmsPbsCommandsWhichUseATab() {
        String slurm = "Job Id:\t3\n\tJob_Name = job.sh\n\tjob_state = Q\n";
        assertEquals("Q", QstatOutput.parse(slurm).get("3").get("job_state"));
    }

    @Test
    void wallTimesAreWrittenAsHoursMinutesSeconds() {
        assertEquals("00:00:01", PbsBatchSystem.hms(0));
        assertEquals("01:01:01", PbsBatchSystem.hms(3661));
        assertEquals("100:00:00", PbsBatchSystem.hms(360000));
    }
}
