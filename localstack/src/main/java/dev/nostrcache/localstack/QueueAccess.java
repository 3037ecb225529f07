package dev.nostrcache.localstack;

import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.aws.DeadLetters;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The queues an operator command works on: those of a runtime that is running now (its embedded SQS answers on
 * {@code sqs_port}), an external SQS ({@code sqs_endpoint}), or, when neither answers, the embedded queues started
 * for the command from their store.
 */
final class QueueAccess implements AutoCloseable {
    private final DeadLetters deadLetters;
    private final AutoCloseable owned;

    private QueueAccess(DeadLetters deadLetters, AutoCloseable owned) {
        this.deadLetters = deadLetters;
        this.owned = owned;
    }

    static QueueAccess open(CacheConfig config, PrintStream out) throws Exception {
        if (config.sqsEndpoint() == null && config.sqsPort() > 0 && answers(config.sqsPort())) {
            URI endpoint = URI.create("http://" + LocalAws.HOST + ":" + config.sqsPort());
            out.println("using the queues of the runtime running at " + endpoint);
            SqsService running = ExternalAws.sqs(endpoint, config.stackName());
            SqsClient client = LocalAws.sqs(endpoint);
            return new QueueAccess(new DeadLetters(client, running.queueUrls(), config.stackName()), client);
        }
        LocalStack stack = LocalStack.start(config, LocalStack.Mode.SERVICES);
        return new QueueAccess(stack.deadLetterQueues(), stack);
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LocalAws.HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() throws Exception {
        owned.close();
    }
}
