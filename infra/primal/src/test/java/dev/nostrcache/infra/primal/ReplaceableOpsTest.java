package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ops the logged-in web client asks for one replaceable or addressable event: {@code mutelists} and
 * {@code allowlist} (NIP-51 follow sets, with the profiles they name), {@code replaceable_event},
 * {@code parametrized_replaceable_event} and {@code parametrized_replaceable_events}; and the live streams
 * (addressable kind 30311) of followed accounts.
 */
class ReplaceableOpsTest {
    private static final long NOW = 1_900_000_000L;

    @Test
    void eachAnswersTheCurrentVersionOrNothing() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner alice = TestKeys.signer(1);
            EventSigner bob = TestKeys.signer(2);
            Event bobProfile = bob.sign(NOW - 10, 0, List.of(), "{\"name\":\"bob\"}");
            Event mutelists = alice.sign(NOW - 9, 30000, List.of(List.of("d", "mutelists"), List.of("p", bob.pubkey())), "");
            Event allowOld = alice.sign(NOW - 9, 30000, List.of(List.of("d", "allowlist")), "");
            Event allow = alice.sign(NOW - 8, 30000, List.of(List.of("d", "allowlist"), List.of("p", bob.pubkey())), "");
            Event settings = alice.sign(NOW - 7, 10555, List.of(), "{\"relays\":[]}");
            Event article = alice.sign(NOW - 6, 30023, List.of(List.of("d", "first-post")), "# Hello");
            Event note = alice.sign(NOW - 5, 1, List.of(), "not replaceable");
            new EventProcessor(ds).processAll(List.of(bobProfile, mutelists, allowOld, allow, settings, article, note), NOW);
            PrimalApi api = TestApis.over(ds, NOW);
            String a = alice.pubkey();

            List<JsonNode> muted = TestApis.call(api, "mutelists", "{\"pubkey\":\"" + a + "\"}");
            assertThat(ids(muted)).as("the list, then the profiles it names").startsWith(mutelists.id()).contains(bobProfile.id());
            assertThat(ids(TestApis.call(api, "allowlist", "{\"pubkey\":\"" + a + "\",\"extended_response\":false}")))
                    .containsExactly(allow.id());
            assertThat(ids(TestApis.call(api, "replaceable_event", "{\"pubkey\":\"" + a + "\",\"kind\":10555}")))
                    .containsExactly(settings.id());
            assertThat(TestApis.call(api, "replaceable_event", "{\"pubkey\":\"" + a + "\",\"kind\":1}"))
                    .as("a regular kind has no current version").isEmpty();
            assertThat(ids(TestApis.call(api, "parametrized_replaceable_event",
                    "{\"pubkey\":\"" + a + "\",\"kind\":30023,\"identifier\":\"first-post\"}"))).containsExactly(article.id());
            assertThat(ids(TestApis.call(api, "parametrized_replaceable_events", "{\"events\":["
                    + "{\"pubkey\":\"" + a + "\",\"kind\":30023,\"identifier\":\"first-post\"},"
                    + "{\"pubkey\":\"" + a + "\",\"kind\":30023,\"identifier\":\"never-written\"},"
                    + "{\"pubkey\":\"" + a + "\",\"kind\":30000,\"identifier\":\"allowlist\"}]}")))
                    .containsExactly(article.id(), allow.id());
            assertThatThrownBy(() -> api.answer("replaceable_event", TestApis.JSON.readTree("{\"pubkey\":\"" + a + "\"}")))
                    .hasMessage("missing kind");
            assertThatThrownBy(() -> api.answer("parametrized_replaceable_events", TestApis.JSON.readTree("{\"events\":[1]}")))
                    .hasMessage("invalid events");
        }
    }

    /** The ids of the events among {@code objects} (synthetic objects have none). */
    @Test
    void liveStreamsOfFollowedAccountsThatAreStillLive() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner viewer = TestKeys.signer(1);
            EventSigner host = TestKeys.signer(2);
            EventSigner stranger = TestKeys.signer(3);
            Event live = host.sign(NOW - 60, 30311, List.of(List.of("d", "show"), List.of("status", "live")), "");
            Event ended = host.sign(NOW - 50, 30311, List.of(List.of("d", "yesterday"), List.of("status", "ended")), "");
            Event notFollowed = stranger.sign(NOW - 40, 30311, List.of(List.of("d", "other"), List.of("status", "live")), "");
            Event hostProfile = host.sign(NOW - 100, 0, List.of(), "{\"name\":\"host\"}");
            new EventProcessor(ds).processAll(List.of(viewer.sign(NOW - 200, 3, List.of(List.of("p", host.pubkey())), ""),
                    hostProfile, live, ended, notFollowed), NOW);

            List<JsonNode> answer = TestApis.call(TestApis.over(ds, NOW), "live_events_from_follows",
                    "{\"user_pubkey\":\"" + viewer.pubkey() + "\"}");
            assertThat(ids(answer)).containsExactly(live.id(), hostProfile.id());
        }
    }

    private static List<String> ids(List<JsonNode> objects) {
        return objects.stream().filter(o -> o.has("id")).map(o -> o.get("id").asString()).toList();
    }
}
