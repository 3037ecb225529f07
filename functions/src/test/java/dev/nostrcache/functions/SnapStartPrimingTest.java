package dev.nostrcache.functions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnapStartPrimingTest {
    @Test
    void primingRunsTheHotPathsWithoutTheNetwork() {
        assertThat(SnapStartPriming.prime()).isEqualTo(200);
        // Registering with the CRaC API must work outside a CRaC runtime too (tests, the local runtime).
        new SnapStartPriming();
    }
}
