package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import dev.nostrcache.infra.storage.AvatarBucket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** template.yaml against the code: the queue catalog, the bucket, and every reference inside the template. */
class TemplateTest {
    private static SamTemplate template;

    @BeforeAll
    static void load() throws Exception {
        template = SamTemplate.load(TestData.repoRoot().resolve("template.yaml"));
    }

    @Test
    void everyQueueOfTheCodeIsDeclaredWithItsDeadLetterQueue() {
        Map<String, Map<String, Object>> resources = template.resources();
        for (QueueSpec spec : Queues.all()) {
            Map<String, Object> queue = resources.get(spec.logicalId());
            assertThat(queue).as(spec.logicalId()).isNotNull();
            assertThat(queue.get("Type")).isEqualTo("AWS::SQS::Queue");
            Map<String, Object> props = SamTemplate.properties(queue);
            assertThat(props.get("QueueName")).isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-" + spec.name()));
            assertThat(props.get("VisibilityTimeout")).isEqualTo(spec.visibilityTimeoutSeconds());
            assertThat(props.get("RedrivePolicy")).isEqualTo(Map.of(
                    "deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(spec.deadLetterLogicalId(), "Arn")),
                    "maxReceiveCount", spec.maxReceiveCount()));

            Map<String, Object> dlq = resources.get(spec.deadLetterLogicalId());
            assertThat(dlq).as(spec.deadLetterLogicalId()).isNotNull();
            assertThat(dlq.get("Type")).isEqualTo("AWS::SQS::Queue");
            Map<String, Object> dlqProps = SamTemplate.properties(dlq);
            assertThat(dlqProps.get("QueueName")).isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-" + spec.name() + "-dlq"));
            assertThat(dlqProps.get("MessageRetentionPeriod")).isEqualTo(QueueSpec.DLQ_RETENTION_SECONDS);
            assertThat(dlqProps).doesNotContainKey("RedrivePolicy");
        }
    }

    @Test
    void theTemplateDeclaresNoQueueTheCodeDoesNotKnow() {
        Set<String> known = new HashSet<>();
        for (QueueSpec spec : Queues.all()) {
            known.add(spec.logicalId());
            known.add(spec.deadLetterLogicalId());
        }
        template.resources().forEach((id, resource) -> {
            if ("AWS::SQS::Queue".equals(resource.get("Type"))) {
                assertThat(known).as("queue %s is not in Queues.all()", id).contains(id);
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAvatarBucketIsPrivateEncryptedTlsOnlyAndExpiresWithTheCache() {
        Map<String, Object> bucket = template.resources().get(AvatarBucket.LOGICAL_ID);
        assertThat(bucket.get("Type")).isEqualTo("AWS::S3::Bucket");
        Map<String, Object> props = SamTemplate.properties(bucket);
        assertThat(props.get("PublicAccessBlockConfiguration")).isEqualTo(Map.of("BlockPublicAcls", true,
                "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true));
        assertThat(props.get("BucketEncryption").toString()).contains("SSEAlgorithm");

        List<Map<String, Object>> rules = (List<Map<String, Object>>)
                ((Map<String, Object>) props.get("LifecycleConfiguration")).get("Rules");
        assertThat(rules).anySatisfy(rule -> {
            assertThat(rule.get("Status")).isEqualTo("Enabled");
            assertThat(rule.get("ExpirationInDays")).isEqualTo(Map.of("Ref", "CacheExpirationDays"));
        });
        assertThat(template.parameters().get("CacheExpirationDays").get("Default"))
                .isEqualTo(ConfigLoader.DEFAULTS.get("cache_expiration_days"));

        Map<String, Object> policy = template.resources().values().stream()
                .filter(r -> "AWS::S3::BucketPolicy".equals(r.get("Type")))
                .filter(r -> Map.of("Ref", AvatarBucket.LOGICAL_ID).equals(SamTemplate.properties(r).get("Bucket")))
                .findFirst().orElseThrow();
        assertThat(SamTemplate.properties(policy).toString())
                .contains("Effect=Deny").contains("aws:SecureTransport=false");
    }

    @Test
    void everyReferenceNamesAResourceOrParameter() {
        Set<String> names = new HashSet<>(template.resources().keySet());
        names.addAll(template.parameters().keySet());
        Set<String> referenced = new HashSet<>();
        collectReferences(template.root, referenced);
        assertThat(referenced).isNotEmpty();
        for (String ref : referenced) {
            if (!ref.startsWith("AWS::")) {
                assertThat(names).as("reference to %s", ref).contains(ref);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectReferences(Object node, Set<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("Ref".equals(k) && v instanceof String s) {
                    out.add(s);
                } else if ("Fn::GetAtt".equals(k) && v instanceof List<?> l) {
                    out.add((String) l.get(0));
                } else if ("Fn::Sub".equals(k) && v instanceof String s) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([^}.!]+)").matcher(s);
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
                collectReferences(v, out);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, out));
        }
    }
}
