package org.kmemdump.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimedCommandTest {
    @Test
    void theChildsCpuTimeIsTheSecondLineOfTimesUserPlusSystem() {
        assertEquals(62_450, TimedCommand.childCpuMillis("0m0.001000s 0m0.002000s\n1m1.230000s 0m1.220000s\n"));
    }

    @Test
    void anAnswerWithoutTwoTimesIsAnError() {
        assertThrows(IllegalStateException.class, () -> TimedCommand.childCpuMillis("sh: times: not found\n"));
    }
}
