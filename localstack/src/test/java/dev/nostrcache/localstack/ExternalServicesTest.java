package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.avatar.AvatarBucket;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import dev.nostrcache.infra.storage.EventRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local runtime against SQS and S3 it did not start (as with LocalStack in Docker), reached through the
 * standard endpoint variables; here the "external" services are another runtime's embedded ones. And the LocalStack
 * init hook against the queue catalog.
 */
class ExternalServicesTest {

    private static CacheConfig config(Path dir, Map<String, String> env, String stack) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": "
                + "\"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"stack_name\": \"" + stack + "\"}");
        return ConfigLoader.load(List.of(), env, dir);
    }

    @Test
    void theRuntimeUsesQueuesAndBucketElsewhereThroughTheStandardVariables(@TempDir Path root) throws Exception {
        try (LocalStack services = LocalStack.start(config(root.resolve("services"), Map.of(), "nostr-cache"),
                LocalStack.Mode.SERVICES)) {
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL_SQS", services.sqsEndpoint().toString(),
                    "AWS_ENDPOINT_URL_S3", services.s3Endpoint().toString());
            CacheConfig config = config(root.resolve("runtime"), env, "nostr-cache");
            assertThat(config.sqsEndpoint()).isEqualTo(services.sqsEndpoint());
            try (LocalStack runtime = LocalStack.start(config, LocalStack.Mode.PIPELINE)) {
                ByteArrayOutputStream described = new ByteArrayOutputStream();
                runtime.describe(new PrintStream(described, true));
                assertThat(described.toString()).contains("(external; 20 queues").contains(services.sqsEndpoint().toString());
                Event note = TestKeys.signer(7).sign(1_700_000_000L, 1, List.of(), "through someone else's queues");
                runtime.publisher().submit(new OutboundEvent(note.toJson(), 1, "test", 1L, null)).join();
                assertThat(runtime.awaitDrained(Duration.ofSeconds(30))).isTrue();
                assertThat(new EventRepository(runtime.dataSource()).findJson(note.id())).isPresent();
                assertThat(runtime.queueUrls().get("nostr-cache-notes")).isEqualTo(services.queueUrls().get("nostr-cache-notes"));
            }
            CacheConfig elsewhere = config(root.resolve("other"), env, "other-stack");
            assertThatThrownBy(() -> LocalStack.start(elsewhere, LocalStack.Mode.PIPELINE))
                    .hasMessageContaining("the queue other-stack-profiles does not exist")
                    .hasMessageContaining("localstack/init");
        }
    }

    @Test
    void theLocalStackInitHookCreatesExactlyTheCatalogsQueuesAndTheBucket() throws Exception {
        String hook = Files.readString(TestData.repoRoot().resolve("localstack/init/ready.d/10-nostr-cache.sh"));
        List<String> declared = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^queue (\\S+) (\\d+) (\\d+)$").matcher(hook);
        while (m.find()) {
            declared.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        List<String> catalog = new ArrayList<>();
        for (QueueSpec spec : Queues.all()) {
            catalog.add(spec.name() + " " + spec.visibilityTimeoutSeconds() + " " + spec.maxReceiveCount());
        }
        assertThat(declared).isEqualTo(catalog);
        assertThat(hook).contains("MessageRetentionPeriod=" + QueueSpec.DLQ_RETENTION_SECONDS);
        assertThat(hook).contains("s3://$STACK-avatars");
        assertThat(AvatarBucket.localName("$STACK")).isEqualTo("$STACK-avatars");
        String compose = Files.readString(TestData.repoRoot().resolve("localstack/docker-compose.yml"));
        assertThat(compose).contains("./init/ready.d:/etc/localstack/init/ready.d").contains("127.0.0.1:4566:4566")
                .contains("postgres:15");
    }
}
