package dev.nostrcache.infra.avatar;

import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AvatarSettingsTest {
    @TempDir
    Path dir;

    @Test
    void theAvatarCacheIsSafeByDefaultAndLoopbackOnlyByTheExplicitKey() throws IOException {
        CacheConfig defaults = ConfigLoader.load(List.of(), Map.of(), dir);
        assertThat(defaults.allowPrivateOrigins()).isFalse();
        AvatarSettings settings = AvatarSettings.from(defaults);
        assertThat(settings.fetcher()).isEqualTo(SafeImageFetcher.Settings.DEFAULTS);
        assertThat(settings.redirectOnFailure()).isTrue();
        assertThat(settings.urlLifetime()).hasSeconds(3600);
        assertThat(settings.redirectMaxAgeSeconds()).isEqualTo(1800);
        assertThat(settings.refreshAfter()).hasDays(30);

        Files.writeString(dir.resolve("config.json"), "{\"allow_private_origins\": true, \"admin_token\": \"s3cret\", "
                + "\"avatar_origin_failure\": \"error\", \"avatar_url_lifetime_seconds\": 600}");
        CacheConfig testing = ConfigLoader.load(List.of(), Map.of(), dir);
        assertThat(AvatarSettings.from(testing).fetcher().allowLoopback()).isTrue();
        assertThat(AvatarSettings.from(testing).redirectOnFailure()).isFalse();
        assertThat(AvatarSettings.from(testing).redirectMaxAgeSeconds()).isEqualTo(300);
    }
}
