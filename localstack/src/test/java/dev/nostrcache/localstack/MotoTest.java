package dev.nostrcache.localstack;

import dev.nostrcache.infra.config.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local runtime on moto's SQS and S3 instead of its own stand-ins, where a LocalStack user has LocalStack: the
 * queues and bucket made by LocalStack's init hook, the runtime reaching them through its endpoint keys.
 */
class MotoTest {
    private static MotoServer moto;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start();
        assertThat(moto.createStack("nostr-cache")).contains("queue nostr-cache-notes (and -dlq)", "bucket nostr-cache-avatars");
        Path dir = Files.createTempDirectory("moto-test");
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": "
                + "\"127.0.0.1:0\", \"database_port\": 0, \"management_port\": 0, \"sqs_endpoint\": \"" + moto.endpoint()
                + "\", \"s3_endpoint\": \"" + moto.endpoint() + "\"}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void eventsWithCharactersSqsRefusesTravelThroughMotoAndAreServedByteIdentical() throws Exception {
        assertThat(stack.sqsEndpoint()).isEqualTo(moto.endpoint());
        EscapeEdgeEvents.publishAndReadBack(stack, EscapeEdgeEvents.all(78));
    }
}
