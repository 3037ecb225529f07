package dev.nostrcache.functions;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.storage.EventRepository;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Lambda path: FunctionInvoker, selected by function definition, fed the JSON Lambda sends for SQS. */
class IngestFunctionsTest extends LambdaEnvironment {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static byte[] sqsEvent(String... bodies) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (int i = 0; i < bodies.length; i++) {
            ObjectNode r = records.addObject();
            r.put("messageId", "m" + i);
            r.put("receiptHandle", "handle-" + i);
            r.put("body", bodies[i]);
            r.putObject("attributes").put("ApproximateReceiveCount", "1").put("SentTimestamp", "1700000000000");
            r.putObject("messageAttributes").putObject("relay").put("stringValue", "wss://relay.example")
                    .put("dataType", "String");
            r.put("md5OfBody", "");
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:nostr-cache-notes");
            r.put("awsRegion", "us-east-1");
        }
        return JSON.writeValueAsBytes(root);
    }

    @Test
    void storesValidEventsDropsInvalidOnesAndReportsNoFailure() throws Exception {
        Event note = TestKeys.signer(1).sign(1_700_000_000L, 1, List.of(), "through FunctionInvoker");
        String forged = note.toJson().replace("through", "thru");
        FunctionInvoker invoker = new FunctionInvoker("ingestNotes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.handleRequest(new ByteArrayInputStream(sqsEvent(note.toJson(), forged, "{not json", note.toJson())), out, null);

        JsonNode response = JSON.readTree(out.toByteArray());
        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(new EventRepository(ds).findJson(note.id())).contains(note.toJson());
        assertThat(new EventRepository(ds).count()).isEqualTo(1);
    }

    @Test
    void aMessageOfManyEventsStoresEachValidOneAndOnlyARefusedEventsMessageIsRetried() throws Exception {
        dev.nostrcache.infra.testing.TestDatabase.refuseEventsWhere(ds, "NEW.json LIKE '%poison%'");
        List<String> bundled = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            bundled.add(TestKeys.signer(i).sign(1_700_000_000L, 1, List.of(), "bundled " + i).toJson());
        }
        String compact = bundled.get(3);
        bundled.set(3, compact.replace(",\"", ",\n  \""));
        bundled.set(7, bundled.get(7).replace("bundled", "forged"));
        Event poison = TestKeys.signer(99).sign(1_700_000_000L, 1, List.of(), "poison");
        Event beside = TestKeys.signer(98).sign(1_700_000_000L, 1, List.of(), "next to the refused one");

        EventRepository events = new EventRepository(ds);
        long before = events.count();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FunctionInvoker("ingestNotes").handleRequest(new ByteArrayInputStream(sqsEvent(
                dev.nostrcache.infra.queue.EventBundle.join(bundled),
                dev.nostrcache.infra.queue.EventBundle.join(List.of(beside.toJson(), poison.toJson())))), out, null);

        JsonNode failures = JSON.readTree(out.toByteArray()).get("batchItemFailures");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).get("itemIdentifier").asString()).isEqualTo("m1");
        assertThat(events.count() - before).as("29 bundled events and the one beside the refused one").isEqualTo(30);
        assertThat(events.findJson(compact.substring(7, 71))).as("the pretty-printed event, whole").contains(compact);
        assertThat(events.findJson(beside.id())).isPresent();
        assertThat(events.findJson(poison.id())).isEmpty();
    }

    @Test
    void everyQueueGroupHasItsFunction() throws Exception {
        for (QueueGroup group : QueueGroup.values()) {
            Set<Integer> kinds = KindRegistry.STANDARD.kindsOf(group);
            Event event = TestKeys.signer(2).sign(1_700_000_000L, kinds.isEmpty() ? 4 : kinds.iterator().next(),
                    List.of(), group == QueueGroup.PROFILES ? "{}" : "");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new FunctionInvoker(group.functionName()).handleRequest(new ByteArrayInputStream(sqsEvent(event.toJson())), out, null);
            assertThat(JSON.readTree(out.toByteArray()).get("batchItemFailures")).as(group.functionName()).isEmpty();
        }
    }
}
