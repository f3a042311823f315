package org.sandgate.batch.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlurmTimeTest {
    @Test
    void timeLimitsAreWholeMinutesRoundedUpSoAJobNeverGetsLessThanItsLimit() {
        assertEquals("1", SlurmBatchSystem.minutes(0));
        assertEquals("1", SlurmBatchSystem.minutes(60));
        assertEquals("2", SlurmBatchSystem.minutes(61));
        assertEquals("1440", SlurmBatchSystem.minutes(86400));
    }
}
