package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import dev.nostrcache.infra.avatar.AvatarBucket;
import dev.nostrcache.infra.config.Setting;
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
    void theAvatarBucketIsPrivateEncryptedTlsOnlyAndExpiresAfterTheCache() {
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
            assertThat(rule.get("ExpirationInDays")).isEqualTo(Map.of("Ref", "AvatarObjectExpirationDays"));
        });
        assertThat((Integer) template.parameters().get("AvatarObjectExpirationDays").get("Default"))
                .as("objects outlive the refresh period, so a stale picture can be served while it is refreshed")
                .isGreaterThan((Integer) template.parameters().get("CacheExpirationDays").get("Default"));
        // The functions learn the lifecycle from the same parameter (they stop serving a day before S3 deletes).
        assertThat(globalVariables().get("AVATAR_OBJECT_EXPIRATION_DAYS")).isEqualTo(Map.of("Ref", "AvatarObjectExpirationDays"));
        assertThat(globalVariables().get("CACHE_EXPIRATION_DAYS")).isEqualTo(Map.of("Ref", "CacheExpirationDays"));

        Map<String, Object> policy = template.resources().values().stream()
                .filter(r -> "AWS::S3::BucketPolicy".equals(r.get("Type")))
                .filter(r -> Map.of("Ref", AvatarBucket.LOGICAL_ID).equals(SamTemplate.properties(r).get("Bucket")))
                .findFirst().orElseThrow();
        assertThat(SamTemplate.properties(policy).toString())
                .contains("Effect=Deny").contains("aws:SecureTransport=false");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String key) {
        return o == null ? Map.of() : (Map<String, Object>) ((Map<String, Object>) o).getOrDefault(key, Map.of());
    }

    private static Map<String, Object> globalVariables() {
        return map(map(map(map(template.root, "Globals"), "Function"), "Environment"), "Variables");
    }

    private static Map<String, Object> variables(Map<String, Object> function) {
        return map(map(SamTemplate.properties(function), "Environment"), "Variables");
    }

    private static Map<String, Object> functionRunning(String bean) {
        List<Map<String, Object>> matching = functions().values().stream().filter(f -> bean.equals(definition(f))).toList();
        assertThat(matching).as("one function runs %s", bean).hasSize(1);
        return matching.get(0);
    }

    private static Map<String, Map<String, Object>> functions() {
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        template.resources().forEach((id, r) -> {
            if ("AWS::Serverless::Function".equals(r.get("Type"))) {
                out.put(id, r);
            }
        });
        return out;
    }

    private static String definition(Map<String, Object> function) {
        return (String) map(map(SamTemplate.properties(function), "Environment"), "Variables")
                .get("SPRING_CLOUD_FUNCTION_DEFINITION");
    }

    @Test
    void everyQueueGroupHasItsFunctionFedByItsQueueWithPartialBatchFailures() {
        Map<String, Object> globals = map(map(template.root, "Globals"), "Function");
        int timeout = (Integer) globals.get("Timeout");
        for (QueueGroup group : QueueGroup.values()) {
            List<Map<String, Object>> matching = functions().values().stream()
                    .filter(f -> group.functionName().equals(definition(f))).toList();
            assertThat(matching).as("function for %s", group).hasSize(1);
            Map<String, Object> events = map(SamTemplate.properties(matching.get(0)), "Events");
            assertThat(events).hasSize(1);
            Map<String, Object> event = (Map<String, Object>) events.values().iterator().next();
            assertThat(event.get("Type")).isEqualTo("SQS");
            Map<String, Object> props = map(event, "Properties");
            assertThat(props.get("Queue")).isEqualTo(Map.of("Fn::GetAtt", List.of(group.spec().logicalId(), "Arn")));
            assertThat((List<Object>) props.get("FunctionResponseTypes")).containsExactly("ReportBatchItemFailures");
            assertThat(props.get("BatchSize")).isEqualTo(group.spec().batchSize());
            assertThat(props.get("MaximumBatchingWindowInSeconds")).isEqualTo(group.spec().batchWindowSeconds());
            assertThat(timeout * 6).as("visibility timeout covers six function timeouts")
                    .isLessThanOrEqualTo(group.spec().visibilityTimeoutSeconds());
        }
    }

    @Test
    void handlersAndFunctionDefinitionsNameRealCode() throws Exception {
        Map<String, Object> globals = map(map(template.root, "Globals"), "Function");
        String handler = (String) globals.get("Handler");
        Class<?> invoker = Class.forName(handler.substring(0, handler.indexOf("::")));
        assertThat(invoker.getMethod(handler.substring(handler.indexOf("::") + 2), java.io.InputStream.class,
                java.io.OutputStream.class, com.amazonaws.services.lambda.runtime.Context.class)).isNotNull();
        String mainClass = (String) map(map(globals, "Environment"), "Variables").get("MAIN_CLASS");
        assertThat(Class.forName(mainClass).isAnnotationPresent(
                org.springframework.boot.autoconfigure.SpringBootApplication.class)).isTrue();

        java.util.Set<String> beans = functionBeanNames();
        functions().forEach((id, f) -> assertThat(beans).as("%s runs %s", id, definition(f)).contains(definition(f)));

        String version = java.util.regex.Pattern.compile("<artifactId>nostr-cache</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(java.nio.file.Files.readString(TestData.repoRoot().resolve("pom.xml"))).results()
                .findFirst().orElseThrow().group(1);
        assertThat(globals.get("CodeUri")).isEqualTo("functions/target/functions-" + version + "-aws.jar");
    }

    /** The names of the function beans of the functions application, from a context started on a throwaway URL. */
    private static java.util.Set<String> functionBeanNames() {
        var app = new org.springframework.boot.SpringApplication(dev.nostrcache.functions.CacheFunctions.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        try (var context = app.run("--DATABASE_URL=jdbc:postgresql://127.0.0.1:9/unused",
                "--spring.cloud.function.web.export.enabled=false")) {
            return java.util.Set.of(context.getBeanNamesForType(java.util.function.Function.class));
        }
    }

    @Test
    void functionsMayReachWhatTheyAreGiven() {
        Set<String> sendingAvatarJobs = new HashSet<>();
        functions().forEach((id, f) -> {
            Map<String, Object> variables = variables(f);
            String policies = String.valueOf(SamTemplate.properties(f).get("Policies"));
            if (variables.containsKey("AVATAR_QUEUE_URL")) {
                sendingAvatarJobs.add(definition(f));
                assertThat(variables.get("AVATAR_QUEUE_URL")).isEqualTo(Map.of("Ref", Queues.AVATARS.logicalId()));
                assertThat(policies).as("%s may send avatar jobs", id)
                        .contains("SQSSendMessagePolicy").contains(Queues.AVATARS.logicalId() + ", QueueName");
            }
            if (variables.containsKey("EVENT_QUEUE_URL_PREFIX")) {
                // What each submitter puts on the event queues: clients publish anything;
                // the avatar cache stores the profiles and contact lists it finds upstream; an ingest function puts a
                // message back on its own queue while the database is away.
                Map<String, List<QueueGroup>> submits = new java.util.HashMap<>(Map.of("wsDefault", List.of(QueueGroup.values()),
                        "profilePic", List.of(QueueGroup.PROFILES), "avatarWorker", List.of(QueueGroup.PROFILES),
                        "avatarJobs", List.of(QueueGroup.CONTACTS)));
                for (QueueGroup group : QueueGroup.values()) {
                    submits.put(group.functionName(), List.of(group));
                }
                assertThat(submits).as("%s submits events", id).containsKey(definition(f));
                for (QueueGroup group : submits.get(definition(f))) {
                    assertThat(policies).as("%s may queue %s", id, group).contains(group.spec().logicalId() + ", QueueName");
                }
            }
            if (variables.containsKey("AVATAR_BUCKET")) {
                assertThat(variables.get("AVATAR_BUCKET")).isEqualTo(Map.of("Ref", AvatarBucket.LOGICAL_ID));
            }
        });
        assertThat(sendingAvatarJobs).containsExactlyInAnyOrder(QueueGroup.PROFILES.functionName(), "profilePic", "avatarJobs");
    }

    @Test
    void eachAvatarFunctionMayDoWithTheBucketWhatItNeedsAndNoMore() {
        Map<String, Set<String>> needs = Map.of(
                "profilePic", Set.of("s3:GetObject", "s3:PutObject"),
                "avatarWorker", Set.of("s3:PutObject"),
                "avatarAdmin", Set.of("s3:ListBucket", "s3:DeleteObject"));
        functions().forEach((id, f) -> {
            String policies = String.valueOf(SamTemplate.properties(f).get("Policies"));
            Set<String> granted = new java.util.TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("s3:\\w+").matcher(policies);
            while (m.find()) {
                granted.add(m.group());
            }
            assertThat(granted).as("%s's S3 actions", id).isEqualTo(needs.getOrDefault(definition(f), Set.of()));
            if (!granted.isEmpty()) {
                assertThat(policies).as(id).contains("AvatarBucket.Arn").doesNotContain("Resource=*");
                assertThat(variables(f)).as(id).containsKey("AVATAR_BUCKET");
            }
        });
        Map<String, Object> admin = functionRunning("avatarAdmin");
        assertThat(variables(admin).get("ADMIN_TOKEN_SECRET_ARN")).isEqualTo(Map.of("Ref", "AdminTokenSecret"));
        assertThat(String.valueOf(SamTemplate.properties(admin).get("Policies")))
                .contains("AWSSecretsManagerGetSecretValuePolicy={SecretArn={Ref=AdminTokenSecret}}");
        assertThat(template.resources().get("AdminTokenSecret").get("Type")).isEqualTo("AWS::SecretsManager::Secret");
        functions().forEach((id, f) -> {
            if (!"avatarAdmin".equals(definition(f))) {
                assertThat(String.valueOf(SamTemplate.properties(f).get("Policies"))).as(id).doesNotContain("AdminTokenSecret");
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCleanupRunsOnTheLocalRuntimesSchedule() {
        Map<String, Object> cleanup = functionRunning(dev.nostrcache.functions.scheduled.ScheduledFunctions.CLEANUP);
        Map<String, Object> event = (Map<String, Object>) map(SamTemplate.properties(cleanup), "Events").values()
                .iterator().next();
        assertThat(event.get("Type")).isEqualTo("Schedule");
        assertThat(map(event, "Properties").get("Schedule")).isEqualTo("rate("
                + dev.nostrcache.functions.scheduled.ScheduledFunctions.CLEANUP_EVERY_MINUTES + " minutes)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTrendingRankingsAreRecomputedOnTheLocalRuntimesSchedule() {
        Map<String, Object> trending = functionRunning(dev.nostrcache.functions.scheduled.ScheduledFunctions.TRENDING);
        Map<String, Object> events = map(SamTemplate.properties(trending), "Events");
        assertThat(events).hasSize(1);
        Map<String, Object> event = (Map<String, Object>) events.values().iterator().next();
        assertThat(event.get("Type")).isEqualTo("Schedule");
        assertThat(map(event, "Properties").get("Schedule")).isEqualTo("rate("
                + dev.nostrcache.functions.scheduled.ScheduledFunctions.TRENDING_EVERY_MINUTES + " minutes)");
        assertThat(String.valueOf(SamTemplate.properties(trending).get("Policies"))).as("it needs only the database")
                .isEqualTo("[{Ref=DatabaseSecretReadPolicy}]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionAndTheWorkerReadTheDatabaseFromItsSecretAndNothingMigratesButTheMigration() throws Exception {
        assertThat(globalVariables().get("DATABASE_SECRET_ARN")).isEqualTo(Map.of("Fn::If",
                List.of("CreateAurora", Map.of("Ref", "DatabaseSecret"), Map.of("Ref", "DatabaseSecretArn"))));
        assertThat(globalVariables()).containsKey("DATABASE_HOST").doesNotContainKeys("DATABASE_URL", "DATABASE_PASSWORD");
        functions().forEach((id, f) -> assertThat((List<Object>) SamTemplate.properties(f).get("Policies")).as(id)
                .contains(Map.of("Ref", "DatabaseSecretReadPolicy")));
        Map<String, Object> policy = SamTemplate.properties(template.resources().get("DatabaseSecretReadPolicy"));
        List<Map<String, Object>> statements = (List<Map<String, Object>>) map(policy, "PolicyDocument").get("Statement");
        assertThat(statements).singleElement().satisfies(st -> {
            assertThat(st.get("Action")).isEqualTo("secretsmanager:GetSecretValue");
            // The secret the functions read (the parameter through Fn::Sub, so that cfn-lint's finding on its empty
            // default lands on this resource, where its Metadata explains and ignores it).
            assertThat(st.get("Resource")).isEqualTo(Map.of("Fn::If", List.of("CreateAurora", Map.of("Ref", "DatabaseSecret"),
                    Map.of("Fn::Sub", "${DatabaseSecretArn}"))));
        });
        // The migration custom resource names the newest migration, so a deploy that brings one runs it.
        String newest;
        try (var files = java.nio.file.Files.list(TestData.repoRoot().resolve("infra/store/src/main/resources/db/migration"))) {
            newest = files.map(f -> f.getFileName().toString().replaceAll("__.*", ""))
                    .max(java.util.Comparator.comparingInt(v -> Integer.parseInt(v.substring(1)))).orElseThrow();
        }
        Map<String, Object> migration = template.resources().get("DatabaseMigration");
        assertThat(migration.get("Type")).isEqualTo("Custom::DatabaseMigration");
        assertThat(SamTemplate.properties(migration).get("Migrations")).isEqualTo(newest);
        assertThat(SamTemplate.properties(migration).get("ServiceToken"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of("MigrateDatabaseFunction", "Arn")));
        assertThat(definition(template.resources().get("MigrateDatabaseFunction")))
                .isEqualTo(dev.nostrcache.functions.deploy.DeployFunctions.MIGRATE);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWorkerRunsOnFargateAndMayOnlyQueueEventsAndReadTheDatabaseSecret() {
        Map<String, Map<String, Object>> r = template.resources();
        assertThat(r.get("WorkerService").get("Condition")).isEqualTo("CreateWorker");
        assertThat(SamTemplate.properties(r.get("WorkerService")).get("LaunchType")).isEqualTo("FARGATE");
        assertThat((List<Object>) SamTemplate.properties(r.get("WorkerTaskRole")).get("ManagedPolicyArns"))
                .containsExactlyInAnyOrder(Map.of("Ref", "IngestWorkerQueuePolicy"), Map.of("Ref", "DatabaseSecretReadPolicy"));
        assertThat(SamTemplate.properties(r.get("WorkerTaskRole"))).doesNotContainKey("Policies");
        Map<String, Object> container = ((List<Map<String, Object>>) SamTemplate.properties(r.get("WorkerTaskDefinition"))
                .get("ContainerDefinitions")).getFirst();
        List<String> names = ((List<Map<String, Object>>) container.get("Environment")).stream()
                .map(e -> (String) e.get("Name")).toList();
        // What WorkerMain and the configuration read.
        assertThat(names).containsExactlyInAnyOrder("NOSTR_CACHE_STACK_NAME", "NOSTR_CACHE_UPSTREAM_RELAYS",
                "NOSTR_CACHE_BACKFILL_DAYS", "NOSTR_CACHE_BACKFILL_RATE", "DATABASE_SECRET_ARN", "DATABASE_HOST");
        // Each names a setting of the catalog (WorkerMain reads them through the config loader).
        for (String name : names) {
            if (name.startsWith(ConfigLoader.ENV_PREFIX)) {
                assertThat(Setting.byKey(name.substring(ConfigLoader.ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT)))
                        .as(name).isNotNull();
            }
        }
        assertThat(map(container.get("LogConfiguration"), "Options").get("awslogs-group")).isEqualTo(Map.of("Ref", "WorkerLogGroup"));
    }

    @Test
    void everyQueueHasABacklogAlarmAndBothApisLogAccess() {
        for (QueueSpec spec : Queues.all()) {
            assertThat(template.resources().values()).as("backlog alarm on %s", spec.logicalId()).anySatisfy(res -> {
                assertThat(res.get("Type")).isEqualTo("AWS::CloudWatch::Alarm");
                assertThat(SamTemplate.properties(res).get("Dimensions").toString()).contains(spec.logicalId() + ", QueueName");
            });
        }
        assertThat(map(SamTemplate.properties(template.resources().get("WebSocketStage")), "AccessLogSettings"))
                .containsKey("DestinationArn");
        assertThat(map(SamTemplate.properties(template.resources().get("HttpApi")), "AccessLogSettings"))
                .containsKey("DestinationArn");
        assertThat(map(SamTemplate.properties(template.resources().get("HttpApi")), "DefaultRouteSettings"))
                .containsKey("ThrottlingRateLimit");
    }

    /**
     * Every environment variable the functions' code reads (found in the sources), and which functions read it. A
     * new read fails this test until it is listed here and the template sets it for those functions.
     */
    @Test
    void everyEnvironmentVariableTheCodeReadsIsSetForTheFunctionsThatReadIt() throws Exception {
        Set<String> all = Set.of("*");
        Map<String, Set<String>> readers = new java.util.LinkedHashMap<>();
        readers.put("DATABASE_SECRET_ARN", all);
        readers.put("DATABASE_HOST", all);
        readers.put("UPSTREAM_RELAYS", all);
        readers.put("UPSTREAM_QUERY_SECONDS", all);
        readers.put("CACHE_EXPIRATION_DAYS", all);
        readers.put("AVATAR_OBJECT_EXPIRATION_DAYS", all);
        readers.put("AVATAR_URL_LIFETIME_SECONDS", all);
        readers.put("AVATAR_ORIGIN_FAILURE", all);
        readers.put("AVATAR_RETRY_SECONDS", all);
        readers.put("AVATAR_REDIRECT_CACHE_SECONDS", all);
        readers.put("AVATAR_QUEUE_URL", Set.of(QueueGroup.PROFILES.functionName(), "profilePic", "avatarJobs"));
        readers.put("AVATAR_BUCKET", Set.of("profilePic", "avatarJobs", "avatarAdmin", "avatarWorker"));
        readers.put("ADMIN_TOKEN_SECRET_ARN", Set.of("avatarAdmin"));
        Set<String> eventQueueSenders = new java.util.HashSet<>(Set.of("wsDefault", "profilePic", "avatarJobs", "avatarWorker"));
        for (QueueGroup group : QueueGroup.values()) {
            eventQueueSenders.add(group.functionName());
        }
        readers.put("EVENT_QUEUE_URL_PREFIX", eventQueueSenders);
        readers.put("OUTAGE_RETRY_SECONDS", all);
        readers.put("BLOCKED_SOURCE_IPS", Set.of("wsConnect"));
        readers.put("HTTP_API_URL", Set.of("wsDefault"));
        readers.put("CLIENT_MESSAGES_PER_SECOND", Set.of("wsDefault"));
        readers.put("CLIENT_MESSAGE_BURST", Set.of("wsDefault"));
        readers.put("PROFILE_LOOKUP_MS", Set.of("wsDefault"));
        readers.put("HOME_LATEST_OF", Set.of("wsDefault"));
        // Only where the template does not use a secret (the local runtime, LocalStack users), or set locally.
        Set<String> localOnly = Set.of("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD", "MANAGEMENT_API_ENDPOINT",
                // set by Lambda itself: the metrics go out as EMF log lines there
                "AWS_LAMBDA_FUNCTION_NAME");

        Set<String> read = new java.util.TreeSet<>();
        java.util.regex.Pattern getter = java.util.regex.Pattern.compile("get(?:Required)?Property\\(\"([A-Z_]+)\"");
        try (var sources = java.nio.file.Files.walk(TestData.repoRoot().resolve("functions/src/main/java"))) {
            for (java.nio.file.Path file : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                java.util.regex.Matcher m = getter.matcher(java.nio.file.Files.readString(file));
                while (m.find()) {
                    read.add(m.group(1));
                }
            }
        }
        // The settings of the catalog that apply on AWS, read through ConfigLoader.fromLambdaEnvironment.
        for (Setting setting : Setting.values()) {
            if (setting.scope().aws()) {
                read.add(setting.lambdaVariable());
            }
        }
        Set<String> known = new java.util.TreeSet<>(readers.keySet());
        known.addAll(localOnly);
        assertThat(read).as("variables read by the code").isEqualTo(known);
        readers.forEach((variable, beans) -> {
            if (beans.contains("*")) {
                assertThat(globalVariables()).as("%s for every function", variable).containsKey(variable);
                return;
            }
            for (String bean : beans) {
                assertThat(variables(functionRunning(bean))).as("%s for %s", variable, bean).containsKey(variable);
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrimalApiLinksPicturesToTheHttpApi() {
        assertThat(variables(functionRunning("wsDefault")).get("HTTP_API_URL"))
                .isEqualTo(Map.of("Fn::Sub", "https://${HttpApi}.execute-api.${AWS::Region}.amazonaws.com/"));
        assertThat(globalVariables().get("UPSTREAM_RELAYS")).isEqualTo(Map.of("Ref", "UpstreamRelays"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAvatarFunctionIsFedByTheAvatarsQueueAtMaxConcurrent() {
        Map<String, Object> worker = functionRunning(dev.nostrcache.functions.avatar.AvatarFunctions.WORKER);
        Map<String, Object> events = map(SamTemplate.properties(worker), "Events");
        assertThat(events).hasSize(1);
        Map<String, Object> props = map(events.values().iterator().next(), "Properties");
        assertThat(props.get("Queue")).isEqualTo(Map.of("Fn::GetAtt", List.of(Queues.AVATARS.logicalId(), "Arn")));
        assertThat(props.get("BatchSize")).isEqualTo(Queues.AVATARS.batchSize());
        assertThat(props.get("MaximumBatchingWindowInSeconds")).isEqualTo(Queues.AVATARS.batchWindowSeconds());
        assertThat((List<Object>) props.get("FunctionResponseTypes")).containsExactly("ReportBatchItemFailures");
        assertThat(map(props, "ScalingConfig").get("MaximumConcurrency")).isEqualTo(Map.of("Ref", "AvatarMaxConcurrency"));
        int timeout = (Integer) SamTemplate.properties(worker).get("Timeout");
        assertThat(timeout * 6).isLessThanOrEqualTo(Queues.AVATARS.visibilityTimeoutSeconds());
        assertThat(timeout).as("an origin's 10 s, the upstream's 5 s, and the rest").isGreaterThanOrEqualTo(20);
    }

    /**
     * The settings catalog and the template agree: a parameter that carries a setting has its default and stays
     * within its bounds and choices, and a setting that applies on AWS reaches the functions from that parameter (or
     * as its default, where no parameter carries it).
     */
    @Test
    void everySettingOnAwsHasTheCatalogsDefaultAndBounds() {
        for (Setting setting : Setting.values()) {
            String parameter = setting.templateParameter();
            Object value = globalVariables().get(setting.lambdaVariable());
            for (Map<String, Object> f : functions().values()) {
                value = value != null ? value : variables(f).get(setting.lambdaVariable());
            }
            if (parameter == null) {
                if (setting.scope().aws()) {
                    assertThat(value).as("%s is set to the catalog's default", setting.lambdaVariable())
                            .isEqualTo(setting.defaultValue());
                }
                continue;
            }
            Map<String, Object> declared = template.parameters().get(parameter);
            assertThat(declared).as(parameter).isNotNull();
            assertThat(String.valueOf(declared.get("Default"))).as("%s defaults as %s", parameter, setting.key())
                    .isEqualTo(setting.defaultValue());
            if (setting.type() == Setting.Type.INT) {
                assertThat((Integer) declared.get("MinValue")).as("%s MinValue", parameter).isNotNull()
                        .isGreaterThanOrEqualTo(setting.min());
                if (declared.containsKey("MaxValue")) {
                    assertThat((Integer) declared.get("MaxValue")).as("%s MaxValue", parameter).isLessThanOrEqualTo(setting.max());
                }
            }
            if (setting.type() == Setting.Type.CHOICE) {
                assertThat(declared.get("AllowedValues")).as(parameter).isEqualTo(setting.choices());
            }
            if (setting.scope().aws()) {
                assertThat(value).as("%s from %s", setting.lambdaVariable(), parameter).isEqualTo(Map.of("Ref", parameter));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyWebSocketRouteInvokesItsFunction() {
        Map<String, String> expected = Map.of("$connect", "wsConnect", "$disconnect", "wsDisconnect", "$default", "wsDefault");
        Map<String, Map<String, Object>> resources = template.resources();
        expected.forEach((routeKey, bean) -> {
            Map<String, Object> route = resources.values().stream()
                    .filter(r -> "AWS::ApiGatewayV2::Route".equals(r.get("Type")))
                    .filter(r -> routeKey.equals(SamTemplate.properties(r).get("RouteKey"))).findFirst().orElseThrow();
            String target = (String) map(SamTemplate.properties(route), "Target").get("Fn::Sub");
            String integrationId = target.substring("integrations/${".length(), target.length() - 1);
            Map<String, Object> integration = resources.get(integrationId);
            assertThat(integration.get("Type")).isEqualTo("AWS::ApiGatewayV2::Integration");
            assertThat(SamTemplate.properties(integration).get("IntegrationType")).isEqualTo("AWS_PROXY");
            String uri = (String) map(SamTemplate.properties(integration), "IntegrationUri").get("Fn::Sub");
            String functionId = uri.replaceAll(".*\\$\\{(\\w+)\\.Arn}.*", "$1");
            assertThat(definition(resources.get(functionId))).as(routeKey).isEqualTo(bean);
            assertThat(resources.values()).as("invoke permission for %s", routeKey).anySatisfy(r -> {
                assertThat(r.get("Type")).isEqualTo("AWS::Lambda::Permission");
                assertThat(SamTemplate.properties(r).get("FunctionName")).isEqualTo(Map.of("Ref", functionId));
                assertThat(SamTemplate.properties(r).get("SourceArn").toString()).endsWith("/*/" + routeKey + "}");
            });
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHttpApiHasExactlyTheRoutesTheLocalGatewayServesEachOnItsFunction() {
        Set<String> declared = new HashSet<>();
        functions().forEach((id, f) -> map(SamTemplate.properties(f), "Events").values().forEach(e -> {
            Map<String, Object> event = (Map<String, Object>) e;
            if (!"HttpApi".equals(event.get("Type"))) {
                return;
            }
            Map<String, Object> props = map(event, "Properties");
            assertThat(props.get("ApiId")).isEqualTo(Map.of("Ref", "HttpApi"));
            declared.add(props.get("Method") + " " + props.get("Path") + " -> " + definition(f));
        }));
        Set<String> served = new HashSet<>();
        for (dev.nostrcache.functions.http.HttpRoute route : dev.nostrcache.functions.http.HttpRoute.values()) {
            served.add(route.routeKey() + " -> " + route.function());
        }
        assertThat(declared).isEqualTo(served);
        assertThat(template.resources().get("HttpApi").get("Type")).isEqualTo("AWS::Serverless::HttpApi");
        Map<String, Object> globals = map(map(template.root, "Globals"), "Function");
        for (var f : functions().values()) {
            Object timeout = SamTemplate.properties(f).getOrDefault("Timeout", globals.get("Timeout"));
            boolean http = map(SamTemplate.properties(f), "Events").values().stream()
                    .anyMatch(e -> "HttpApi".equals(((Map<String, Object>) e).get("Type")));
            if (http) {
                assertThat((Integer) timeout).as("%s answers within the HTTP API's 30 s", definition(f)).isLessThan(30);
            }
        }
    }

    @Test
    void functionsThatAnswerClientsMayManageConnectionsAndPublishedEventsMayBeQueued() {
        java.util.Set<String> answering = new java.util.HashSet<>(java.util.Arrays.stream(QueueGroup.values())
                .map(QueueGroup::functionName).toList());
        answering.add("wsDefault");
        functions().forEach((id, f) -> {
            String policies = String.valueOf(SamTemplate.properties(f).get("Policies"));
            if (answering.contains(definition(f))) {
                assertThat(policies).as(id).contains("execute-api:ManageConnections").contains("@connections");
            }
        });
        Map<String, Object> wsDefault = functions().values().stream().filter(f -> "wsDefault".equals(definition(f)))
                .findFirst().orElseThrow();
        assertThat(map(map(SamTemplate.properties(wsDefault), "Environment"), "Variables")).containsKey("EVENT_QUEUE_URL_PREFIX");
        String policies = String.valueOf(SamTemplate.properties(wsDefault).get("Policies"));
        for (QueueGroup group : QueueGroup.values()) {
            assertThat(policies).as("wsDefault may queue %s", group).contains(group.spec().logicalId() + ", QueueName");
        }
    }

    @Test
    void theConnectPolicyIsConfiguredWhereConnectionsAreAccepted() {
        Map<String, Object> wsConnect = functions().values().stream().filter(f -> "wsConnect".equals(definition(f)))
                .findFirst().orElseThrow();
        assertThat(map(map(SamTemplate.properties(wsConnect), "Environment"), "Variables").get("BLOCKED_SOURCE_IPS"))
                .isEqualTo(Map.of("Ref", "BlockedSourceIps"));
    }

    @Test
    void everyDeadLetterQueueHasADepthAlarm() {
        for (QueueSpec spec : Queues.all()) {
            assertThat(template.resources().values()).as("alarm on %s", spec.deadLetterLogicalId()).anySatisfy(r -> {
                assertThat(r.get("Type")).isEqualTo("AWS::CloudWatch::Alarm");
                Map<String, Object> props = SamTemplate.properties(r);
                assertThat(props.get("MetricName")).isEqualTo("ApproximateNumberOfMessagesVisible");
                assertThat(props.get("Dimensions").toString()).contains(spec.deadLetterLogicalId() + ", QueueName");
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWorkerMaySendToEveryEventQueueAndDoNothingElse() {
        Map<String, Object> policy = template.resources().get("IngestWorkerQueuePolicy");
        List<Map<String, Object>> statements = (List<Map<String, Object>>)
                map(SamTemplate.properties(policy), "PolicyDocument").get("Statement");
        assertThat(statements).hasSize(1);
        assertThat((List<String>) statements.get(0).get("Action"))
                .containsExactlyInAnyOrder("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes");
        List<Object> resources = (List<Object>) statements.get(0).get("Resource");
        assertThat(resources).containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(QueueGroup.values())
                .map(g -> (Object) Map.of("Fn::GetAtt", List.of(g.spec().logicalId(), "Arn"))).toList());
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
