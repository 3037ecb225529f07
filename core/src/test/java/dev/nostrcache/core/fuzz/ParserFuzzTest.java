package dev.nostrcache.core.fuzz;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.filter.FilterParser;
import dev.nostrcache.core.filter.InvalidFilterException;
import dev.nostrcache.core.message.ClientMessage;
import dev.nostrcache.core.message.ClientMessageParser;
import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated input against the three parsers that take a stranger's text: the event parser, the filter
 * parser and the client-message parser (which also reads Primal cache requests). Whatever comes in, no exception
 * but the documented refusal escapes, and every refusal carries a reason with NIP-01's prefix. Seeded, so a failure
 * repeats.
 */
class ParserFuzzTest {
    private static final int ROUNDS = 20_000;
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", "\"", ",", ":", "\\u0000", "\\ud800", "null", "true",
            "-1", "1e309", "\"kind\"", "\"tags\"", "\"#e\"", "\"cache\"", "\"REQ\"", "\"EVENT\"", "\"CLOSE\"",
            "\uD83E\uDD19", "\u2028", "0".repeat(70), "\"" + "a".repeat(64) + "\"", "[[[[[[[[[[", "}}}}}}}}"};

    private static List<String> seeds() {
        List<String> seeds = new ArrayList<>(TestData.lines("real-events.jsonl"));
        for (String event : TestData.lines("real-events.jsonl").subList(0, 10)) {
            seeds.add("[\"EVENT\"," + event + "]");
        }
        seeds.add("[\"REQ\",\"s\",{\"kinds\":[1],\"authors\":[\"" + "a".repeat(64) + "\"],\"#e\":[\"" + "b".repeat(64)
                + "\"],\"since\":1,\"until\":2,\"limit\":5}]");
        seeds.add("[\"REQ\",\"p\",{\"cache\":[\"user_profile\",{\"pubkey\":\"" + "c".repeat(64) + "\"}]}]");
        seeds.add("[\"CLOSE\",\"p\",{\"cache\":[\"notification_counts\",{}]}]");
        seeds.add("[\"COUNT\",\"c\",{\"kinds\":[7]}]");
        seeds.add("{\"ids\":[\"" + "d".repeat(64) + "\"],\"search\":\"hello world\",\"#t\":[\"nostr\"]}");
        return seeds;
    }

    /** One mutation: flip, delete, duplicate or insert bytes and fragments, or truncate. */
    private static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !s.isEmpty(); e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> s.setCharAt(at, (char) random.nextInt(0x3000));
                case 1 -> s.deleteCharAt(at);
                case 2 -> s.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 3 -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(40))));
                case 4 -> s.setLength(at);
                default -> s.insert(at, (char) random.nextInt(32));
            }
        }
        return s.toString();
    }

    private static String random(Random random) {
        if (random.nextBoolean()) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
            s.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
        }
        return s.toString();
    }

    private static List<String> inputs(long seed) {
        Random random = new Random(seed);
        List<String> seeds = seeds();
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            inputs.add(i % 4 == 0 ? random(random) : mutate(seeds.get(random.nextInt(seeds.size())), random));
        }
        return inputs;
    }

    @Test
    void theEventParserRefusesWithAReasonAndNothingElseEscapes() {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        int refused = 0;
        for (String input : inputs(1)) {
            try {
                parser.parse(input);
            } catch (InvalidEventException e) {
                assertThat(e.reason()).as(input).startsWith("invalid: ").hasSizeGreaterThan("invalid: ".length());
                refused++;
            }
        }
        assertThat(refused).as("the mutations do break events").isGreaterThan(ROUNDS / 2);
    }

    @Test
    void theFilterParserRefusesWithAReasonAndNothingElseEscapes() {
        FilterParser parser = new FilterParser(Limits.DEFAULTS);
        int refused = 0;
        for (String input : inputs(2)) {
            try {
                parser.parse(input);
            } catch (InvalidFilterException e) {
                assertThat(e.reason()).as(input).startsWith("invalid: ").hasSizeGreaterThan("invalid: ".length());
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(ROUNDS / 2);
    }

    @Test
    void theClientMessageParserAlwaysAnswersAndEveryRefusalHasAReason() {
        ClientMessageParser parser = new ClientMessageParser(Limits.DEFAULTS);
        int refused = 0;
        for (String input : inputs(3)) {
            ClientMessage message = parser.parse(input);
            assertThat(message).as(input).isNotNull();
            String reason = switch (message) {
                case ClientMessage.RefusedEvent r -> r.reason();
                case ClientMessage.RefusedSubscription r -> r.reason();
                case ClientMessage.Unintelligible r -> r.reason();
                default -> null;
            };
            if (reason != null) {
                assertThat(reason).as(input).matches("(?s)(invalid|error|rate-limited|blocked|restricted|duplicate|pow): .+");
                refused++;
            }
            if (message instanceof ClientMessage.CacheRequest cache) {
                assertThat(cache.op()).as(input).isNotNull();
            }
        }
        assertThat(refused).isGreaterThan(ROUNDS / 2);
    }
}
