package dev.nostrcache.functions.ingest;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.avatar.AvatarRefreshRequests;
import dev.nostrcache.infra.ingest.EventProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.function.Function;

/**
 * One function per kind-group queue (names from {@code QueueGroup.functionName()}). They share one handler: the
 * processor routes by kind; the split exists so that each queue has its own Lambda, sized and scaled for its load,
 * and a backlog of contact lists never delays notes.
 */
@Configuration(proxyBeanMethods = false)
public class IngestFunctions {

    @Bean
    SqsIngestHandler sqsIngestHandler(DataSource dataSource, AvatarRefreshRequests avatars, Clock clock) {
        return new SqsIngestHandler(new EventProcessor(dataSource), avatars, Limits.DEFAULTS, clock);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestProfiles(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestProfiles", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestNotes(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestNotes", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestContacts(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestContacts", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestReactions(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestReactions", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestReposts(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestReposts", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestZaps(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestZaps", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestRelayLists(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestRelayLists", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestDeletions(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestDeletions", batch);
    }

    @Bean
    Function<SQSEvent, SQSBatchResponse> ingestOther(SqsIngestHandler handler) {
        return batch -> handler.handle("ingestOther", batch);
    }
}
