package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import dev.nostrcache.infra.avatar.testing.TestImages;
import dev.nostrcache.infra.aws.ApiGatewayMessenger;
import dev.nostrcache.infra.aws.Secrets;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local runtime on moto's SQS and S3 instead of its own stand-ins, where a LocalStack user has LocalStack: the
 * queues and bucket made by LocalStack's init hook, the runtime reaching them through its endpoint keys. What moto
 * does not do is said where it matters (and listed in docs/operations.md).
 */
class MotoTest {
    private static MotoServer moto;
    private static LocalStack stack;
    private static ImageOrigin origin;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start();
        assertThat(moto.createStack("nostr-cache")).contains("queue nostr-cache-notes (and -dlq)", "bucket nostr-cache-avatars");
        origin = new ImageOrigin().serve("/photo.jpg", "image/jpeg", TestImages.encode("jpeg", 800, 600));
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"allow_private_origins\": true, "
                + "\"local_retry_delay_seconds\": 0, \"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, "
                + "\"management_port\": 0, \"sqs_endpoint\": \"" + moto.endpoint() + "\", \"s3_endpoint\": \""
                + moto.endpoint() + "\"}");
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
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void eventsWithCharactersSqsRefusesTravelThroughMotoAndAreServedByteIdentical() throws Exception {
        assertThat(stack.sqsEndpoint()).isEqualTo(moto.endpoint());
        EscapeEdgeEvents.publishAndReadBack(stack, EscapeEdgeEvents.all(78));
    }

    @Test
    void aRefusedEventIsDeadLetteredByMotosRedrivePolicyAndRedriveBringsItBack() throws Exception {
        Event refused = TestKeys.signer(901).sign(1_700_000_000L, 1, List.of(), "refused until redriven");
        EventRepository events = new EventRepository(stack.dataSource());
        TestDatabase.refuseEventsWhere(stack.dataSource(), "NEW.id = '\\x" + refused.id() + "'");
        try {
            stack.publisher().submit(new OutboundEvent(refused.toJson(), 1, "test", System.currentTimeMillis(), null)).join();
            // Five receives (the hook's maxReceiveCount), then moto itself moves the message: the runtime moves
            // dead letters only on its embedded ElasticMQ.
            await("moto dead-letters the message", () -> stack.deadLetters().getOrDefault("nostr-cache-notes-dlq", 0L) == 1);
            assertThat(events.findJson(refused.id())).isEmpty();
        } finally {
            TestDatabase.acceptEventsAgain(stack.dataSource());
        }
        long moved = stack.deadLetterQueues().redrive(QueueGroup.NOTES.spec(), n -> { });
        assertThat(moved).isEqualTo(1);
        await("the redriven event stored", () -> events.findJson(refused.id()).isPresent());
        assertThat(stack.deadLetters()).doesNotContainKey("nostr-cache-notes-dlq");
    }

    @Test
    void aPictureIsStoredInMotosS3AndAPlainClientFollowsThePresignedRedirectToIt() throws Exception {
        var signer = TestKeys.signer(902);
        TestDatabase.storeRow(stack.dataSource(), signer.sign(1_700_000_000L, 0, List.of(),
                "{\"name\":\"on moto\",\"picture\":\"" + origin.url("/photo.jpg") + "\"}"));
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<byte[]> picture = plain.send(HttpRequest.newBuilder(stack.httpUrl().resolve("/profile-pic/"
                + signer.pubkey() + "?size=s")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(picture.statusCode()).isEqualTo(200);
        assertThat(picture.uri().toString()).as("served by moto's S3 through the presigned URL")
                .startsWith(moto.endpoint().toString()).contains("X-Amz-Signature=");
        BufferedImage image = TestImages.decode(picture.body());
        assertThat(new int[]{image.getWidth(), image.getHeight()}).containsExactly(200, 150);
        assertThat(origin.hits("/photo.jpg")).isEqualTo(1);
    }

    @Test
    void theSdkMessengerPostsThroughMotosManagementApi() throws Exception {
        // moto serves the management API at its root; API Gateway at https://<domain>/<stage>.
        String endpoint = moto.endpoint().toString();
        try (ApiGatewayManagementApiClient client = ApiGatewayManagementApiClient.builder()
                .endpointOverride(URI.create(endpoint)).region(Region.of(LocalAws.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalAws.ACCESS_KEY_ID,
                        LocalAws.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
             ApiGatewayMessenger messenger = new ApiGatewayMessenger(e -> client)) {
            assertThat(messenger.send(endpoint, "moto-connection", "[\"NOTICE\",\"hello\"]")).isTrue();
            // moto answers GetConnection with connectedAt in epoch seconds where the API's model says ISO 8601: the
            // call reaches moto and is answered, and the Java SDK cannot read the answer (boto3 can).
            assertThatThrownBy(() -> client.getConnection(r -> r.connectionId("moto-connection")))
                    .hasRootCauseInstanceOf(DateTimeParseException.class);
            client.deleteConnection(r -> r.connectionId("moto-connection"));
            // moto knows every connection id (it makes one on first use), so it answers 410 Gone for none, and it
            // keeps what was posted where no API reads it: "gone" and the frames themselves are tested on the local
            // gateway (RelayTest) and with the fixtures' recorder (LambdaArtifactTest), not here.
        }
    }

    @Test
    void aSecretIsReadFromMotosSecretsManagerWithTheSdksSignerAlone() throws Exception {
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(moto.endpoint())
                .region(Region.of(LocalAws.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            String arn = secrets.createSecret(r -> r.name("nostr-cache/moto-admin-token").secretString("t0ken \u00e9")).arn();
            Map<String, String> lambdaEnvironment = Map.of("aws.region", LocalAws.REGION, "aws.accessKeyId",
                    LocalAws.ACCESS_KEY_ID, "aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY,
                    "aws.endpointUrl", moto.endpoint().toString());
            lambdaEnvironment.forEach(System::setProperty);
            try {
                assertThat(Secrets.read(arn)).isEqualTo("t0ken \u00e9");
                assertThatThrownBy(() -> Secrets.read(arn.replace("moto-admin-token", "missing")))
                        .hasMessageContaining("Secrets Manager refused").hasMessageContaining("ResourceNotFoundException");
            } finally {
                lambdaEnvironment.keySet().forEach(System::clearProperty);
            }
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what + "; queues " + stack.queueDepths());
            }
            Thread.sleep(200);
        }
    }
}
