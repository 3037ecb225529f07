package dev.nostrcache.functions;

import dev.nostrcache.functions.testing.FixtureRecorder;
import dev.nostrcache.functions.testing.LambdaFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every function of the template, fed the event Lambda delivers to it (the files of {@link LambdaFixtures}), through
 * FunctionInvoker as Lambda's Java runtime calls it. The same fixtures run on the Lambda artifact alone in a fresh JVM
 * ({@code LambdaArtifactTest} in the local runtime's tests).
 */
class LambdaEventFixturesTest extends LambdaEnvironment {

    @AfterEach
    void clearEnvironment() {
        System.clearProperty("MANAGEMENT_API_ENDPOINT");
        System.clearProperty("UPSTREAM_RELAYS");
        System.clearProperty("AVATAR_BUCKET");
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void everyFunctionOfTheTemplateHasAFixtureAndEveryFixtureAFunction() {
        assertThat(LambdaFixtures.templateFunctions()).hasSizeGreaterThan(20).doesNotHaveDuplicates();
        assertThat(LambdaFixtures.fixtureNames()).as("files in " + LambdaFixtures.directory())
                .containsExactlyInAnyOrderElementsOf(LambdaFixtures.templateFunctions());
    }

    @Test
    void eachFunctionAnswersItsFixtureAsLambdaInvokesIt() throws Exception {
        try (FixtureRecorder recorder = new FixtureRecorder()) {
            System.setProperty("MANAGEMENT_API_ENDPOINT", recorder.managementEndpoint());
            // Nothing beyond loopback: a profile the database lacks is not asked of the public relays.
            System.setProperty("UPSTREAM_RELAYS", "");
            // The bucket's name only: no fixture reaches S3 (the pictures asked for belong to profiles not stored).
            System.setProperty("AVATAR_BUCKET", "nostr-cache-avatars");
            // What Lambda's environment always holds (the answers are signed for the management API).
            System.setProperty("aws.region", "us-east-1");
            System.setProperty("aws.accessKeyId", "fixture");
            System.setProperty("aws.secretAccessKey", "fixture");
            for (String function : LambdaFixtures.invocationOrder()) {
                byte[] event = LambdaFixtures.event(function, recorder.substitutions()).getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    new FunctionInvoker(function).handleRequest(new ByteArrayInputStream(event), out, null);
                } catch (Exception e) {
                    throw new AssertionError(function + " failed on its fixture: " + e, e);
                }
                LambdaFixtures.check(function, out.toByteArray(), ds, recorder);
            }
        }
    }
}
