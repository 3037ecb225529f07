package dev.nostrcache.infra.queue;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class QueuesTest {

    @Test
    void everyKindGoesToItsGroup() {
        assertThat(QueueGroup.forKind(0)).isEqualTo(QueueGroup.PROFILES);
        assertThat(QueueGroup.forKind(1)).isEqualTo(QueueGroup.NOTES);
        assertThat(QueueGroup.forKind(30023)).isEqualTo(QueueGroup.NOTES);
        assertThat(QueueGroup.forKind(3)).isEqualTo(QueueGroup.CONTACTS);
        assertThat(QueueGroup.forKind(5)).isEqualTo(QueueGroup.DELETIONS);
        assertThat(QueueGroup.forKind(6)).isEqualTo(QueueGroup.REPOSTS);
        assertThat(QueueGroup.forKind(16)).isEqualTo(QueueGroup.REPOSTS);
        assertThat(QueueGroup.forKind(7)).isEqualTo(QueueGroup.REACTIONS);
        assertThat(QueueGroup.forKind(9735)).isEqualTo(QueueGroup.ZAPS);
        assertThat(QueueGroup.forKind(10002)).isEqualTo(QueueGroup.RELAY_LISTS);
        assertThat(QueueGroup.forKind(4)).isEqualTo(QueueGroup.OTHER);
        assertThat(QueueGroup.forKind(65535)).isEqualTo(QueueGroup.OTHER);
    }

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
