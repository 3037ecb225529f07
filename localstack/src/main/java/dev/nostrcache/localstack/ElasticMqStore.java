package dev.nostrcache.localstack;

import org.apache.pekko.actor.OneForOneStrategy;
import org.apache.pekko.actor.SupervisorStrategy;
import org.apache.pekko.actor.SupervisorStrategyConfigurator;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import scala.PartialFunction;
import scala.collection.immutable.List$;
import scala.runtime.BoxedUnit;

import java.time.Duration;
import java.util.ConcurrentModificationException;

/**
 * ElasticMQ's SQL message store, made to write everything it is sent. ElasticMQ 1.7.1 hands its store the very
 * message object its queue goes on changing: a message received again while its last change waits to be written
 * makes the store's copy of its delivery receipts fail ({@link ConcurrentModificationException}, before anything
 * is written). Pekko then restarted the store, which came back knowing no queue and dropped every later write without
 * a word: a dead-lettered message was gone after a restart. The store now takes such a message again, as it is by then.
 */
final class ElasticMqStore extends SqlQueuePersistenceActor {
    /** Each attempt waits for nothing but the queue's one change in flight; far more than a queue ever needed. */
    private static final int ATTEMPTS = 1_000;

    ElasticMqStore(SqlQueuePersistenceConfig config) {
        super(config, List$.MODULE$.empty());
    }

    @Override
    public void aroundReceive(PartialFunction<Object, BoxedUnit> receive, Object message) {
        for (int attempt = 1; ; attempt++) {
            try {
                super.aroundReceive(receive, message);
                return;
            } catch (ConcurrentModificationException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                Thread.yield();
            }
        }
    }

    /**
     * How the embedded ElasticMQ's actors (the store and the queue manager) are supervised: an actor that fails on
     * one message keeps its state and goes on with the next (Pekko's default restarts it, and a restarted store or
     * queue manager forgets every queue). The failure is logged.
     */
    public static final class ResumeOnFailure implements SupervisorStrategyConfigurator {
        @Override
        public SupervisorStrategy create() {
            return new OneForOneStrategy(-1, Duration.ofMinutes(1), failure -> SupervisorStrategy.resume());
        }
    }
}
