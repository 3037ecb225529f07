package dev.nostrcache.infra.ingest;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The verifier must notice every kind of drift, or its "no mismatch" means nothing. */
class StatsVerifierTest {
    private static HikariDataSource ds;

    @BeforeAll
    static void load() throws Exception {
        ds = TestDatabase.withWorkload(1_900_000_000L);
        // A contact list the recomputation must read as ContactList.follows does: one follow (twice, once with a relay
        // hint), the rest not follows: U+0000 (which PostgreSQL cannot extract as text), upper case, a capital P, no value.
        String followed = "c".repeat(64);
        new EventProcessor(ds).process(TestKeys.signer(77).sign(1_800_000_000L, 3, List.of(List.of("p", followed),
                List.of("p", followed, "wss://relay.example"), List.of("p", "\0" + "d".repeat(63)),
                List.of("p", "E".repeat(64)), List.of("P", "f".repeat(64)), List.of("p")), ""), 1_900_000_000L);
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    private StatsVerifier.Report afterCorrupting(String corruption, String repair) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(corruption);
            try {
                return new StatsVerifier(ds, 100).verify();
            } finally {
                s.executeUpdate(repair);
            }
        }
    }

    @Test
    void aCleanIngestVerifies() throws SQLException {
        StatsVerifier.Report report = new StatsVerifier(ds, 100).verify();
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.usersChecked()).isGreaterThan(100);
        assertThat(report.eventsChecked()).isGreaterThan(10);
        assertThat(report.followsChecked()).isGreaterThan(700);
    }

    @Test
    void detectsADriftedFollowerCount() throws SQLException {
        StatsVerifier.Report report = afterCorrupting(
                "UPDATE user_stats SET followers_count = followers_count + 1 WHERE pubkey = (SELECT followed FROM follows LIMIT 1)",
                "UPDATE user_stats SET followers_count = followers_count - 1 WHERE pubkey = (SELECT followed FROM follows LIMIT 1)");
        assertThat(report.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.counter()).isEqualTo("followers_count");
            assertThat(m.stored() - m.recomputed()).isEqualTo(1);
        });
    }

    @Test
    void detectsAMissingFollowEdge() throws SQLException {
        StatsVerifier.Report report = afterCorrupting(
                "CREATE TEMP TABLE gone AS SELECT * FROM follow_lists WHERE cardinality(followed) > 1 LIMIT 1;"
                        + " UPDATE follow_lists SET followed = followed[2:] WHERE follower IN (SELECT follower FROM gone)",
                "UPDATE follow_lists l SET followed = g.followed FROM gone g WHERE l.follower = g.follower; DROP TABLE gone");
        assertThat(report.mismatches()).extracting(StatsVerifier.Mismatch::scope).contains("follow");
    }

    @Test
    void detectsDriftedEventCountsAndZapAmounts() throws SQLException {
        assertThat(afterCorrupting(
                "UPDATE event_stats SET reactions = reactions - 1 WHERE event_id = (SELECT ref_event FROM events WHERE kind = 7 AND ref_event IS NOT NULL LIMIT 1)",
                "UPDATE event_stats SET reactions = reactions + 1 WHERE event_id = (SELECT ref_event FROM events WHERE kind = 7 AND ref_event IS NOT NULL LIMIT 1)")
                .mismatches()).extracting(StatsVerifier.Mismatch::counter).containsExactly("reactions");
        assertThat(afterCorrupting(
                "UPDATE event_stats SET quotes = quotes + 1 WHERE event_id = (SELECT event_id FROM event_stats ORDER BY event_id LIMIT 1)",
                "UPDATE event_stats SET quotes = quotes - 1 WHERE event_id = (SELECT event_id FROM event_stats ORDER BY event_id LIMIT 1)")
                .mismatches()).extracting(StatsVerifier.Mismatch::counter).containsExactly("quotes");
        assertThat(afterCorrupting(
                "UPDATE user_stats SET zapped_msats = zapped_msats + 1000 WHERE pubkey = (SELECT recipient FROM zaps LIMIT 1)",
                "UPDATE user_stats SET zapped_msats = zapped_msats - 1000 WHERE pubkey = (SELECT recipient FROM zaps LIMIT 1)")
                .mismatches()).extracting(StatsVerifier.Mismatch::counter).containsExactly("zapped_msats");
        assertThat(afterCorrupting(
                "CREATE TEMP TABLE lost AS SELECT * FROM user_stats WHERE pubkey = (SELECT pubkey FROM events"
                        + " WHERE kind = 1 AND reply_to IS NULL LIMIT 1); DELETE FROM user_stats WHERE pubkey IN (SELECT pubkey FROM lost)",
                "INSERT INTO user_stats SELECT * FROM lost; DROP TABLE lost").mismatches()).extracting(StatsVerifier.Mismatch::counter).contains("note_count");
    }
}
