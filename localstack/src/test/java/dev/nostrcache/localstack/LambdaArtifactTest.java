package dev.nostrcache.localstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.functions.testing.FixtureRecorder;
import dev.nostrcache.functions.testing.LambdaFixtures;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lambda artifact alone, as Lambda runs it: a fresh JVM with only that jar on its class path and the environment
 * the template gives each function, every function invoked with its fixture (the events Lambda delivers), its AWS
 * calls going to moto (the queues and bucket made by LocalStack's init hook, the admin token in its Secrets Manager) and
 * the database to an embedded PostgreSQL. A class
 * the artifact lacks, or a native library it needs and left out, fails here.
 */
class LambdaArtifactTest {
    /** Under 30 MB, as the deployment issue asks (it was 62.2 MB with Netty, QUIC for five platforms, all of BouncyCastle). */
    static final long MAX_ARTIFACT_BYTES = 30_000_000;

    @Test
    void isLeanAndEveryFunctionAnswersItsFixtureInAFreshJvm() throws Exception {
        Path jar = LambdaProcess.artifact();
        String jdbcUrl = TestDatabase.freshJdbcUrl();
        try (MotoServer moto = MotoServer.start(); FixtureRecorder recorder = new FixtureRecorder();
             HikariDataSource ds = DataSources.forLocal(jdbcUrl, "postgres", null);
             SqsClient sqs = LocalAws.sqs(moto.endpoint())) {
            moto.createStack("nostr-cache");
            String avatars = sqs.getQueueUrl(r -> r.queueName("nostr-cache-avatars")).queueUrl();
            String adminToken;
            try (SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(moto.endpoint())
                    .region(Region.of(LocalAws.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)))
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                adminToken = secrets.createSecret(r -> r.name("nostr-cache/admin-token").secretString("the-admin-token")).arn();
            }
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("MAIN_CLASS", "dev.nostrcache.functions.CacheFunctions");
            environment.put("AWS_LAMBDA_FUNCTION_NAME", "nostr-cache-fixtures");
            environment.put("AWS_REGION", LocalAws.REGION);
            environment.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID);
            environment.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY);
            environment.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
            environment.put("DATABASE_URL", jdbcUrl);
            environment.put("DATABASE_USER", "postgres");
            environment.put("MANAGEMENT_API_ENDPOINT", recorder.managementEndpoint());
            environment.put("AVATAR_BUCKET", "nostr-cache-avatars");
            environment.put("ADMIN_TOKEN_SECRET_ARN", adminToken);
            environment.put("AVATAR_QUEUE_URL", avatars);
            environment.put("EVENT_QUEUE_URL_PREFIX", avatars.substring(0, avatars.length() - "avatars".length()));
            // Nothing beyond loopback: a profile the database lacks is not asked of the public relays.
            environment.put("UPSTREAM_RELAYS", "");
            Map<String, String> events = new LinkedHashMap<>();
            for (String function : LambdaFixtures.invocationOrder()) {
                events.put(function, LambdaFixtures.event(function, recorder.substitutions()));
            }
            List<LambdaProcess.Invocation> invocations = LambdaProcess.run(jar, environment, events, 180);
            for (LambdaProcess.Invocation invocation : invocations) {
                LambdaFixtures.check(invocation.function(), invocation.output(), ds, recorder);
                if (invocation.function().equals("avatarAdmin")) {
                    // Refused for the fixture's token after reading the real one from moto's Secrets Manager.
                    assertThat(new String(invocation.output(), StandardCharsets.UTF_8))
                            .doesNotContain("no admin token is configured");
                }
            }
        }
        assertThat(Files.size(jar)).as("size of " + jar).isLessThan(MAX_ARTIFACT_BYTES);
    }
}
