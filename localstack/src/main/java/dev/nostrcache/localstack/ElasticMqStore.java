package dev.nostrcache.localstack;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.OneForOneStrategy;
import org.apache.pekko.actor.SupervisorStrategy;
import org.apache.pekko.actor.SupervisorStrategyConfigurator;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.OperationSuccessful$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.DBMessage;
import org.elasticmq.persistence.sql.DBMessage$;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.PartialFunction;
import scala.collection.immutable.List$;
import scala.runtime.BoxedUnit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ElasticMQ's SQL message store, with its message writes committed in groups. ElasticMQ's own store wrote each
 * send, receive and delete in a transaction of its own through a pooled connection (an import of 100,000 events:
 * 3,166 messages, about 9,500 transactions, the store about a fifth of the runtime's JVM samples): this one takes the writes that arrived while it was
 * busy and commits them in one transaction, a message sent and deleted within it never written at all. A queue's
 * answer to its client still waits for the store's reply, and the reply still comes after the commit, so a send that
 * was answered is stored as before. Queues, and everything but message writes, stay ElasticMQ's own code, in the same
 * tables, which ElasticMQ reads back at a restart.
 *
 * <p>ElasticMQ 1.7.1 hands its store the very message object its queue goes on changing, so copying it can fail
 * ({@link ConcurrentModificationException}) while the queue changes it; the copy is taken again, as it is by then. A
 * store that failed once used to be restarted by Pekko knowing no queue, dropping every later write without a word.
 */
final class ElasticMqStore extends SqlQueuePersistenceActor {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticMqStore.class);
    /** Each attempt waits for nothing but the queue's one change in flight; far more than a queue ever needed. */
    private static final int COPY_ATTEMPTS = 1_000;
    /** Sent to itself when a group starts: its mailbox is first-in first-out, so it arrives after the group's writes. */
    private static final Object COMMIT = new Object();

    /** What a group has still to do to one message's row, after all its writes so far. */
    enum RowWrite {
        INSERT, UPDATE, DELETE, DELETE_THEN_INSERT;

        /** The one write that leaves the row as this write then {@code next} would; null: as it was before both. */
        RowWrite then(RowWrite next) {
            return switch (next) {
                case INSERT -> this == INSERT ? INSERT : DELETE_THEN_INSERT;
                case UPDATE -> this == DELETE ? DELETE : this;
                case DELETE -> this == INSERT ? null : DELETE;
                case DELETE_THEN_INSERT -> throw new IllegalArgumentException("not a write of its own");
            };
        }
    }

    /** A row's pending write; the message is copied when the group commits, as it is by then. */
    private record Pending(RowWrite write, InternalMessage message) {
    }

    private final String url;
    /** The queues it knows, each with its table. */
    private final Map<String, String> tables = new HashMap<>();
    /** Per queue's table, message id to its pending write, in arrival order. */
    private final Map<String, Map<String, Pending>> group = new LinkedHashMap<>();
    private final List<ActorRef> waiting = new ArrayList<>();
    private final Map<String, PreparedStatement[]> statements = new HashMap<>();
    private Connection connection;

    ElasticMqStore(SqlQueuePersistenceConfig config) {
        super(config, List$.MODULE$.empty());
        this.url = config.uri();
    }

    @Override
    public void aroundReceive(PartialFunction<Object, BoxedUnit> receive, Object message) {
        if (message == COMMIT) {
            commitGroup();
        } else if (message instanceof QueueEvent.MessageAdded added) {
            join(added.queueName(), added.message().id(), RowWrite.INSERT, added.message());
        } else if (message instanceof QueueEvent.MessageUpdated updated) {
            join(updated.queueName(), updated.message().id(), RowWrite.UPDATE, updated.message());
        } else if (message instanceof QueueEvent.MessageRemoved removed) {
            join(removed.queueName(), removed.messageId(), RowWrite.DELETE, null);
        } else {
            commitGroup(); // queues created or deleted, a restore, a read: after the writes that came before them
            super.aroundReceive(receive, message);
            if (message instanceof QueueEvent.QueueCreated created) {
                tables.put(created.queue().name(), tableOf(created.queue().name()));
            } else if (message instanceof QueueEvent.QueueDeleted deleted) {
                String table = tables.remove(deleted.queueName());
                if (table != null) {
                    closeStatements(table);
                }
            }
        }
    }

    private void join(String queue, String messageId, RowWrite write, InternalMessage message) {
        waiting.add(sender());
        if (waiting.size() == 1) {
            self().tell(COMMIT, self());
        }
        String table = tables.get(queue);
        if (table == null) {
            return; // as ElasticMQ's store does: a queue it does not know has no table
        }
        Map<String, Pending> rows = group.computeIfAbsent(table, t -> new LinkedHashMap<>());
        Pending before = rows.get(messageId);
        RowWrite after = before == null ? write : before.write().then(write);
        if (after == null) {
            rows.remove(messageId); // sent and deleted within the group: never written
        } else {
            rows.put(messageId, new Pending(after, message != null || before == null ? message : before.message()));
        }
    }

    /** Writes the group in one transaction, then answers every write in it. */
    private void commitGroup() {
        if (waiting.isEmpty()) {
            return;
        }
        try {
            writeGroup();
            for (ActorRef sender : waiting) {
                sender.tell(OperationSuccessful$.MODULE$, self());
            }
        } catch (SQLException | RuntimeException e) {
            // As ElasticMQ's store did on a failed write: no answer, so the queue's client times out and resends.
            // The next group opens a new connection: this one may be what failed (closing it rolls the group back).
            LOG.error("ElasticMQ's store could not write {} queue events: {}", waiting.size(), e.toString());
            closeConnection();
        } finally {
            waiting.clear();
            group.clear();
        }
    }

    private void writeGroup() throws SQLException {
        if (group.values().stream().allMatch(Map::isEmpty)) {
            return;
        }
        if (connection == null) {
            connection = DriverManager.getConnection(url, "", "");
            connection.setAutoCommit(false);
        }
        for (Map.Entry<String, Map<String, Pending>> table : group.entrySet()) {
            PreparedStatement[] ps = statements.computeIfAbsent(table.getKey(), this::prepare);
            PreparedStatement delete = ps[0];
            PreparedStatement insert = ps[1];
            PreparedStatement update = ps[2];
            for (Map.Entry<String, Pending> row : table.getValue().entrySet()) {
                RowWrite write = row.getValue().write();
                if (write == RowWrite.DELETE || write == RowWrite.DELETE_THEN_INSERT) {
                    delete.setString(1, row.getKey());
                    delete.addBatch();
                }
                if (write == RowWrite.INSERT || write == RowWrite.DELETE_THEN_INSERT) {
                    bindInsert(insert, copy(row.getValue().message()));
                    insert.addBatch();
                } else if (write == RowWrite.UPDATE) {
                    bindUpdate(update, copy(row.getValue().message()));
                    update.addBatch();
                }
            }
            delete.executeBatch();
            insert.executeBatch();
            update.executeBatch();
        }
        connection.commit();
    }

    private PreparedStatement[] prepare(String table) {
        try {
            return new PreparedStatement[] {
                    connection.prepareStatement("DELETE FROM " + table + " WHERE message_id = ?"),
                    connection.prepareStatement("INSERT INTO " + table + " (message_id, delivery_receipts, next_delivery,"
                            + " content, attributes, created, received, receive_count, group_id, deduplication_id,"
                            + " tracing_id, sequence_number, dead_letter_source_queue_name)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    connection.prepareStatement("UPDATE " + table + " SET delivery_receipts = ?, next_delivery = ?,"
                            + " attributes = ?, received = ?, receive_count = ?, tracing_id = ?, sequence_number = ?,"
                            + " dead_letter_source_queue_name = ? WHERE message_id = ?")};
        } catch (SQLException e) {
            throw new IllegalStateException("ElasticMQ's table " + table + " cannot be written: " + e.getMessage(), e);
        }
    }

    private static void bindInsert(PreparedStatement insert, DBMessage m) throws SQLException {
        insert.setString(1, m.messageId());
        insert.setBytes(2, m.deliveryReceipts());
        insert.setLong(3, m.nextDelivery());
        insert.setBytes(4, m.content());
        insert.setBytes(5, m.attributes());
        insert.setLong(6, m.created());
        insert.setObject(7, orNull(m.received()));
        insert.setInt(8, m.receiveCount());
        insert.setString(9, orNull(m.groupId()));
        insert.setString(10, orNull(m.deduplicationId()));
        insert.setString(11, orNull(m.tracingId()));
        insert.setString(12, orNull(m.sequenceNumber()));
        insert.setString(13, orNull(m.deadLetterSourceQueueName()));
    }

    private static void bindUpdate(PreparedStatement update, DBMessage m) throws SQLException {
        update.setBytes(1, m.deliveryReceipts());
        update.setLong(2, m.nextDelivery());
        update.setBytes(3, m.attributes());
        update.setObject(4, orNull(m.received()));
        update.setInt(5, m.receiveCount());
        update.setString(6, orNull(m.tracingId()));
        update.setString(7, orNull(m.sequenceNumber()));
        update.setString(8, orNull(m.deadLetterSourceQueueName()));
        update.setString(9, m.messageId());
    }

    @SuppressWarnings("unchecked")
    private static <T> T orNull(Option<?> value) {
        return value.isDefined() ? (T) value.get() : null;
    }

    /** The row ElasticMQ's own store would write for the message (its format is what a restart reads). */
    private static DBMessage copy(InternalMessage message) {
        for (int attempt = 1; ; attempt++) {
            try {
                return DBMessage$.MODULE$.from(message);
            } catch (ConcurrentModificationException e) {
                if (attempt == COPY_ATTEMPTS) {
                    throw e;
                }
                Thread.yield();
            }
        }
    }

    /** ElasticMQ's table for a queue's messages ({@code MessageRepository}'s name for it). */
    private static String tableOf(String queue) {
        return "message_" + queue.replace(".", "_").replace("-", "_") + "_" + Integer.toHexString(queue.hashCode());
    }

    private void closeStatements(String table) {
        PreparedStatement[] ps = statements.remove(table);
        if (ps != null) {
            for (PreparedStatement statement : ps) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    LOG.debug("closing a statement of {}: {}", table, e.toString());
                }
            }
        }
    }

    /** A stop (Pekko's graceful stop after the HTTP server stopped) writes the group still open first. */
    @Override
    public void postStop() {
        commitGroup();
        closeConnection();
    }

    private void closeConnection() {
        new ArrayList<>(statements.keySet()).forEach(this::closeStatements);
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("ElasticMQ's store could not close its connection: {}", e.toString());
            }
            connection = null;
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
