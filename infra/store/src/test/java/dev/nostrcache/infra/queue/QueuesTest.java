package dev.nostrcache.infra.queue;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class QueuesTest {

    @Test
    void namesAndIdsAreUniqueAndDeadLettersAreDerived() {
        Set<String> names = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (QueueSpec q : Queues.all()) {
            assertThat(names.add(q.queueName("s"))).isTrue();
            assertThat(names.add(q.deadLetterQueueName("s"))).isTrue();
            assertThat(ids.add(q.logicalId())).isTrue();
            assertThat(ids.add(q.deadLetterLogicalId())).isTrue();
            assertThat(q.deadLetterLogicalId()).endsWith("DeadLetterQueue");
            assertThat(q.maxReceiveCount()).isPositive();
        }
        assertThat(Queues.all()).hasSize(QueueGroup.values().length + 1);
        assertThat(QueueGroup.PROFILES.spec().queueName("nostr-cache")).isEqualTo("nostr-cache-profiles");
        assertThat(QueueGroup.PROFILES.spec().deadLetterQueueName("nostr-cache")).isEqualTo("nostr-cache-profiles-dlq");
    }
}
