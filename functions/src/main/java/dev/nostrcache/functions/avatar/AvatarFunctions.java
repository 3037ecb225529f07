package dev.nostrcache.functions.avatar;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.nostrcache.infra.avatar.AvatarBucket;
import dev.nostrcache.infra.avatar.AvatarCache;
import dev.nostrcache.infra.avatar.AvatarJobRepository;
import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.avatar.AvatarRepository;
import dev.nostrcache.infra.avatar.AvatarRequest;
import dev.nostrcache.infra.avatar.AvatarSettings;
import dev.nostrcache.infra.avatar.SafeImageFetcher;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.net.UpstreamQuery;
import dev.nostrcache.infra.storage.EventRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The avatar cache and the function that consumes the avatars queue. The cache is built on first use (the other
 * functions of the artifact never pay for its S3 and HTTP clients).
 */
@Configuration(proxyBeanMethods = false)
public class AvatarFunctions {
    /** The bean that consumes the avatars queue. */
    public static final String WORKER = "avatarWorker";
    private static final Logger LOG = LoggerFactory.getLogger(AvatarFunctions.class);

    @Bean(destroyMethod = "")
    @Lazy
    AvatarCache avatarCache(DataSource dataSource, AvatarBucket bucket, UpstreamQuery upstream,
                            EventSubmitter submitter, AvatarQueue queue, AvatarSettings settings, Clock clock) {
        return new AvatarCache(new AvatarRepository(dataSource), new AvatarJobRepository(dataSource), bucket,
                new SafeImageFetcher(settings.fetcher()), new EventRepository(dataSource), upstream, submitter, queue,
                settings, clock);
    }

    /**
     * One batch of the avatars queue, its messages side by side (each may wait up to 10 s on an origin). A message
     * that is not a request is logged and dropped; one that fails on the database or S3 is reported for a retry.
     */
    @Bean
    Function<SQSEvent, SQSBatchResponse> avatarWorker(ObjectProvider<AvatarCache> cache) {
        return batch -> {
            AvatarCache avatars = cache.getObject();
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (SQSEvent.SQSMessage message : batch.getRecords()) {
                    work.add(each.submit(() -> {
                        AvatarRequest request;
                        try {
                            request = AvatarRequest.parse(message.getBody());
                        } catch (IllegalArgumentException e) {
                            LOG.warn("avatars queue message {} dropped: {}", message.getMessageId(), e.getMessage());
                            return null;
                        }
                        avatars.handle(request);
                        return null;
                    }));
                }
                for (int i = 0; i < work.size(); i++) {
                    try {
                        work.get(i).get();
                    } catch (Exception e) {
                        String id = batch.getRecords().get(i).getMessageId();
                        LOG.warn("avatars queue message {} failed, to be retried: {}", id, e.toString());
                        failures.add(new SQSBatchResponse.BatchItemFailure(id));
                    }
                }
            }
            return new SQSBatchResponse(failures);
        };
    }
}
