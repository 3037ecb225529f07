package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventJson;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.queue.OutboundEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Valid events whose strings hold characters SQS does not take in a message body (U+FFFE, U+FFFF, lone control
 * characters, which JSON escapes anyway) beside others it does (U+FDD0, astral noncharacters): a runtime must store
 * and serve each exactly as NIP-01 serialises it, whether a client published it or the worker read it upstream.
 */
final class EscapeEdgeEvents {
    private static final List<String> TEXTS = List.of("before\uFFFEafter", "\uFFFF", "end \uFFFF\uFFFE",
            "\uFDD0 and \uFDEF", "astral \uD83F\uDFFE and \uDBFF\uDFFF", "\u0001\u001f and \uFFFD", "emoji \uD83D\uDE00 \uFFFF");

    private EscapeEdgeEvents() {
    }

    static List<Event> all(int signer) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            String text = TEXTS.get(i);
            events.add(TestKeys.signer(signer).sign(1_700_000_000L + i, 1, List.of(List.of("t", text)), text));
        }
        return events;
    }

    /**
     * Publishes half of the events over the WebSocket (each must get {@code OK true}) and hands the other half to the
     * worker's publisher, then reads all of them back with one REQ: every one byte-identical to its NIP-01 JSON.
     */
    static void publishAndReadBack(LocalStack stack, List<Event> events) throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                if (i % 2 == 0) {
                    client.send("[\"EVENT\"," + event.toJson() + "]");
                    String ok = client.until("[\"OK\"", Duration.ofSeconds(30)).getLast();
                    assertThat(ok).as("the answer to publishing %s", event.content()).isEqualTo("[\"OK\",\"" + event.id() + "\",true,\"\"]");
                } else {
                    stack.publisher().submit(new OutboundEvent(event.toJson(), event.kind(), "ws://upstream.test",
                            System.currentTimeMillis(), null)).join();
                }
            }
            StringBuilder ids = new StringBuilder();
            for (Event event : events) {
                ids.append(ids.isEmpty() ? "" : ",").append('"').append(event.id()).append('"');
            }
            Map<String, String> served = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (served.size() < events.size() && System.nanoTime() < deadline) {
                served.clear();
                client.send("[\"REQ\",\"edges\",{\"ids\":[" + ids + "]}]");
                for (String frame : client.until("[\"EOSE\"", Duration.ofSeconds(30))) {
                    String prefix = "[\"EVENT\",\"edges\",";
                    if (frame.startsWith(prefix)) {
                        String json = frame.substring(prefix.length(), frame.length() - 1);
                        served.put(json.substring(7, 71), json);
                    }
                }
                client.send("[\"CLOSE\",\"edges\"]");
                Thread.sleep(200);
            }
            for (Event event : events) {
                StringBuilder nip01 = new StringBuilder();
                EventJson.appendString(nip01, event.content());
                assertThat(served.get(event.id())).as("event %s served", nip01).isEqualTo(event.toJson());
            }
        }
    }
}
