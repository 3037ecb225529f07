package dev.nostrcache.infra.config;

import dev.nostrcache.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void noFileMeansDefaultsRelativeToTheWorkingDirectory() {
        CacheConfig config = ConfigLoader.load(List.of(), Map.of(), dir);
        assertThat(config.listenAddr()).isEqualTo("127.0.0.1:8080");
        assertThat(config.databasePath()).isEqualTo(dir.resolve("data/postgres"));
        assertThat(config.mediaCachePath()).isEqualTo(dir.resolve("data/media_cache"));
        assertThat(config.upstreamRelays()).contains("wss://nos.lol");
        assertThat(config.maxConcurrent()).isEqualTo(20);
        assertThat(config.cacheExpirationDays()).isEqualTo(30);
        assertThat(config.usesEmbeddedDatabase()).isTrue();
        assertThat(config.stackName()).isEqualTo("nostr-cache");
        assertThat(config.ingestKinds()).containsExactly(0, 1, 3, 5, 6, 7, 16, 9735, 10002, 30023);
        assertThat(config.relayDiscoveryCap()).isEqualTo(20);
    }

    @Test
    void readsConfigJsonInTheWorkingDirectoryWithTheSeedKeys() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"listen_addr": ":9090", "database_path": "./db", "media_cache_path": "/var/media",
                 "upstream_relays": ["wss://a.example", "ws://127.0.0.1:7777"], "max_concurrent": 5,
                 "cache_expiration_days": 7, "ingest_kinds": [0, 1], "relay_discovery_cap": 0}""");
        CacheConfig config = ConfigLoader.load(List.of(), Map.of(), dir);
        assertThat(config.listenAddr()).isEqualTo(":9090");
        assertThat(config.listenSocketAddress().getPort()).isEqualTo(9090);
        assertThat(config.databasePath()).isEqualTo(dir.resolve("db"));
        assertThat(config.mediaCachePath()).isEqualTo(Path.of("/var/media"));
        assertThat(config.upstreamRelays()).containsExactly("wss://a.example", "ws://127.0.0.1:7777");
        assertThat(config.maxConcurrent()).isEqualTo(5);
        assertThat(config.cacheExpirationDays()).isEqualTo(7);
        assertThat(config.ingestKinds()).containsExactly(0, 1);
        assertThat(config.relayDiscoveryCap()).isZero();
    }

    @Test
    void pathsAreRelativeToTheNamedFileAndEnvironmentOverridesIt() throws IOException {
        Path other = Files.createDirectories(dir.resolve("second"));
        Files.writeString(other.resolve("mine.json"), "{\"max_concurrent\": 3, \"database_path\": \"pg\"}");
        Files.writeString(dir.resolve("config.json"), "{\"max_concurrent\": 9}");

        CacheConfig byFlag = ConfigLoader.load(List.of("--config", "second/mine.json"),
                Map.of("NOSTR_CACHE_MAX_CONCURRENT", "4"), dir);
        assertThat(byFlag.maxConcurrent()).isEqualTo(4);
        assertThat(byFlag.databasePath()).isEqualTo(other.resolve("pg"));

        CacheConfig byEnv = ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_CONFIG", "second/mine.json",
                "NOSTR_CACHE_UPSTREAM_RELAYS", "wss://x.example, wss://y.example"), dir);
        assertThat(byEnv.maxConcurrent()).isEqualTo(3);
        assertThat(byEnv.upstreamRelays()).containsExactly("wss://x.example", "wss://y.example");
    }

    @Test
    void badInputIsAClearErrorNamingTheKey() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", "missing.json"), Map.of(), dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.json").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config"), Map.of(), dir))
                .hasMessageContaining("--config needs a file name");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_MAX_CONCURRENT", "many"), dir))
                .hasMessage("config key 'max_concurrent': expected an integer from 1 to 1000, got \"many\"");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_UPSTREAM_RELAYS", "https://x.example"), dir))
                .hasMessageContaining("'upstream_relays'").hasMessageContaining("https://x.example");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_LISTEN_ADDR", "8080"), dir))
                .hasMessageContaining("'listen_addr'");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_DATABASE_URL", "postgres://x"), dir))
                .hasMessageContaining("'database_url'");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_STACK_NAME", "Bad_Name"), dir))
                .hasMessageContaining("'stack_name'");

        Files.writeString(dir.resolve("config.json"), "{\"max_concurent\": 3}");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(), dir))
                .hasMessageContaining("unknown config key 'max_concurent'");
        Files.writeString(dir.resolve("config.json"), "{\"max_concurrent\": ");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(), dir)).hasMessageContaining("is not valid JSON");
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [{}]}");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(), dir))
                .hasMessageContaining("'upstream_relays': list items must be strings or integers");
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [1]}");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(), dir))
                .hasMessage("config key 'upstream_relays': \"1\" is not a ws:// or wss:// URL");
        Files.writeString(dir.resolve("config.json"), "{\"ingest_kinds\": [1, 70000]}");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(), dir)).hasMessageContaining("'ingest_kinds'");
        Files.writeString(dir.resolve("config.json"), "{\"cache_expiration_days\": 0}");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of(), dir))
                .hasMessageContaining("'cache_expiration_days'");
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_ALLOW_PRIVATE_ORIGINS", "yes"), dir))
                .hasMessage("config key 'allow_private_origins': expected true or false, got \"yes\"");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_AVATAR_ORIGIN_FAILURE", "404"), dir))
                .hasMessage("config key 'avatar_origin_failure': expected one of redirect, error, got \"404\"");
    }

    @Test
    void thePerConnectionMessageRateIsConfiguredAndTheOtherLimitsStay() {
        assertThat(ConfigLoader.load(List.of(), Map.of(), dir).limits()).isEqualTo(Limits.DEFAULTS);
        Limits raised = ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_CLIENT_MESSAGES_PER_SECOND", "5000",
                "NOSTR_CACHE_CLIENT_MESSAGE_BURST", "20000"), dir).limits();
        assertThat(raised.messagesPerSecond()).isEqualTo(5000);
        assertThat(raised.messageBurst()).isEqualTo(20000);
        assertThat(raised.maxLimit()).isEqualTo(Limits.DEFAULTS.maxLimit());
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_CLIENT_MESSAGE_BURST", "0"), dir))
                .hasMessageContaining("client_message_burst");
    }

    /** {@code home_latest_of} takes a pubkey as hex or npub and holds it as hex; anything else names the key. */
    @Test
    void aPubkeySettingTakesHexOrNpub() {
        String hex = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
        String npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
        assertThat(ConfigLoader.load(List.of(), Map.of(), dir).homeLatestOf()).isNull();
        assertThat(ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_HOME_LATEST_OF", npub), dir).homeLatestOf()).isEqualTo(hex);
        assertThat(ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_HOME_LATEST_OF", hex), dir).homeLatestOf()).isEqualTo(hex);
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("NOSTR_CACHE_HOME_LATEST_OF", "npub1nope"), dir))
                .hasMessageContaining("'home_latest_of'").hasMessageContaining("npub1nope");
    }

    @Test
    void theAdminTokenIsReadButNeverPrinted() throws IOException {
        assertThat(ConfigLoader.load(List.of(), Map.of(), dir).adminToken()).as("no token: purges refused").isNull();
        Files.writeString(dir.resolve("config.json"), "{\"admin_token\": \"s3cret\"}");
        CacheConfig config = ConfigLoader.load(List.of(), Map.of(), dir);
        assertThat(config.adminToken()).isEqualTo("s3cret");
        assertThat(config.toString()).as("the token never reaches a log line").doesNotContain("s3cret");
    }

    @Test
    void aFunctionReadsTheSettingsOfItsLambdaEnvironmentWithTheSameDefaultsAndChecks() {
        CacheConfig defaults = ConfigLoader.fromLambdaEnvironment(name -> null);
        assertThat(defaults.cacheExpirationDays()).isEqualTo(30);
        assertThat(defaults.outageRetrySeconds()).isEqualTo(30);
        assertThat(defaults.avatarObjectExpirationDays()).isEqualTo(60);
        CacheConfig set = ConfigLoader.fromLambdaEnvironment(Map.of("CACHE_EXPIRATION_DAYS", "7",
                "UPSTREAM_RELAYS", "wss://a.example, wss://b.example", "OUTAGE_RETRY_SECONDS", "60",
                "LISTEN_ADDR", "0.0.0.0:1")::get);
        assertThat(set.cacheExpirationDays()).isEqualTo(7);
        assertThat(set.upstreamRelays()).containsExactly("wss://a.example", "wss://b.example");
        assertThat(set.outageRetrySeconds()).isEqualTo(60);
        assertThat(set.listenAddr()).as("a setting of the local runtime is not read there").isEqualTo("127.0.0.1:8080");
        assertThatThrownBy(() -> ConfigLoader.fromLambdaEnvironment(Map.of("AVATAR_ORIGIN_FAILURE", "404")::get))
                .hasMessage("config key 'avatar_origin_failure': expected one of redirect, error, got \"404\"");
        Map<String, String> fileOnly = Map.of("NOSTR_CACHE_OUTAGE_RETRY_SECONDS", "1");
        assertThat(ConfigLoader.load(List.of(), fileOnly, dir).outageRetrySeconds())
                .as("an AWS-only setting is not read from the local runtime's variables").isEqualTo(30);
    }
}
