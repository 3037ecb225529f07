package dev.nostrcache.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send that the embedded SQS answered survives a SIGKILL of the process right after the answer, as the runtime's
 * relay cursors and publishers' {@code OK}s rely on: the queue store's commit must have reached its file, not only
 * H2's memory.
 */
class EmbeddedSqsKillTest {
    private static final String QUEUE = "kill-test";
    private static final int MESSAGES = 300;

    @TempDir
    Path store;

    @Test
    void everyAnsweredSendSurvivesAKillOfTheProcessRightAfterIt() throws Exception {
        Path queues = store.resolve("queues.db");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process sender = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Sender.class.getName(), queues.toString(), Integer.toString(MESSAGES))
                .redirectErrorStream(true).start();
        // A sender that hangs ends the read below (its output then says why) instead of the test waiting forever.
        CompletableFuture.delayedExecutor(2, TimeUnit.MINUTES).execute(sender::destroyForcibly);
        List<String> answered = new ArrayList<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(sender.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("sent ")) {
                    answered.add(line.substring(5));
                    if (answered.size() == MESSAGES) {
                        sender.destroyForcibly(); // SIGKILL, the instant the last answer is read
                        break;
                    }
                } else {
                    output.add(line);
                }
            }
        } finally {
            sender.destroyForcibly();
            assertThat(sender.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answered).as("the sender's answered sends; its output: %s", output).hasSize(MESSAGES);
        try (EmbeddedSqsService sqs = EmbeddedSqsService.start(0, "kill", queues);
             SqsClient client = sqs.client()) {
            assertThat(EmbeddedSqsStoreTest.bodiesOfAll(client, QUEUE)).as("messages back after the kill")
                    .containsExactlyInAnyOrderElementsOf(answered);
        }
    }

    /** The process that is killed: sends one message at a time and says so once each is answered. */
    public static final class Sender {
        public static void main(String[] args) throws Exception {
            int count = Integer.parseInt(args[1]);
            EmbeddedSqsService sqs = EmbeddedSqsService.start(0, "kill", Path.of(args[0]));
            SqsClient client = sqs.client();
            String queue = client.createQueue(r -> r.queueName(QUEUE)).queueUrl();
            for (int i = 0; i < count; i++) {
                String body = "message " + i;
                client.sendMessage(r -> r.queueUrl(queue).messageBody(body));
                System.out.println("sent " + body);
                System.out.flush();
            }
            Thread.sleep(Long.MAX_VALUE); // killed here, never stopped
        }
    }
}
