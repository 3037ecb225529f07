package dev.nostrcache.functions.ingest;

import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.OutageRetry;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.relay.ConnectionMessenger;
import dev.nostrcache.infra.primal.PrimalApi;
import io.micrometer.core.instrument.MeterRegistry;
import dev.nostrcache.infra.relay.LiveDelivery;
import dev.nostrcache.infra.relay.SubscriptionRepository;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * One function bean per kind-group queue, named {@code QueueGroup.functionName()} and registered from the queue
 * catalog itself. They share one handler: the processor routes by kind; the split exists so that each queue has its
 * own Lambda, sized and scaled for its load, and a backlog of contact lists never delays notes.
 */
@Configuration(proxyBeanMethods = false)
public class IngestFunctions {
    static final String HANDLER = "sqsIngestHandler";

    @Bean(HANDLER)
    SqsIngestHandler sqsIngestHandler(DataSource dataSource, AvatarQueue avatars, ConnectionMessenger messenger,
                                      Clock clock, PrimalApi primal, MeterRegistry metrics, EventSubmitter queues,
                                      OutageRetry outageRetry) {
        return new SqsIngestHandler(new EventProcessor(dataSource), avatars,
                new LiveDelivery(new SubscriptionRepository(dataSource), messenger, primal::push), primal::changed,
                metrics, queues, outageRetry, Limits.DEFAULTS, clock);
    }

    @Bean
    static BeanDefinitionRegistryPostProcessor ingestFunctionBeans() {
        return registry -> {
            for (QueueGroup group : QueueGroup.values()) {
                RootBeanDefinition function = new RootBeanDefinition(IngestFunction.class);
                function.getConstructorArgumentValues().addIndexedArgumentValue(0, group.functionName());
                function.getConstructorArgumentValues().addIndexedArgumentValue(1, new RuntimeBeanReference(HANDLER));
                registry.registerBeanDefinition(group.functionName(), function);
            }
        };
    }
}
