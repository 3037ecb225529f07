package dev.nostrcache.infra.avatar;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RedirectCacheTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final URI LOCATION = URI.create("https://bucket.example/variants/abc/m.jpg?X-Amz-Signature=1");
    private static final String PUBKEY = "a".repeat(64);

    @Test
    void anEntryLivesItsLifetimeForItsSizeOnly() {
        RedirectCache cache = new RedirectCache(Duration.ofSeconds(30));
        cache.remember(PUBKEY, AvatarSize.M, LOCATION, NOW, NOW.plus(Duration.ofDays(30)));
        assertThat(cache.find(PUBKEY, AvatarSize.M, NOW.plusSeconds(29))).isEqualTo(LOCATION);
        assertThat(cache.find(PUBKEY, AvatarSize.S, NOW)).isNull();
        assertThat(cache.find(PUBKEY, AvatarSize.M, NOW.plusSeconds(30))).isNull();
    }

    @Test
    void anEntryEndsWhenItsPictureIsDueForRefreshAndAStaleOneIsNeverKept() {
        RedirectCache cache = new RedirectCache(Duration.ofSeconds(30));
        cache.remember(PUBKEY, AvatarSize.M, LOCATION, NOW, NOW.plusSeconds(10));
        assertThat(cache.find(PUBKEY, AvatarSize.M, NOW.plusSeconds(9))).isEqualTo(LOCATION);
        assertThat(cache.find(PUBKEY, AvatarSize.M, NOW.plusSeconds(10))).isNull();
        cache.remember(PUBKEY, AvatarSize.L, LOCATION, NOW, NOW.minusSeconds(1));
        assertThat(cache.find(PUBKEY, AvatarSize.L, NOW)).isNull();
    }

    @Test
    void forgettingAPubkeyDropsEverySizeAndZeroLifetimeKeepsNothing() {
        RedirectCache cache = new RedirectCache(Duration.ofSeconds(30));
        for (AvatarSize size : AvatarSize.values()) {
            cache.remember(PUBKEY, size, LOCATION, NOW, null);
        }
        cache.remember("b".repeat(64), AvatarSize.M, LOCATION, NOW, null);
        cache.forget(PUBKEY);
        for (AvatarSize size : AvatarSize.values()) {
            assertThat(cache.find(PUBKEY, size, NOW)).isNull();
        }
        assertThat(cache.find("b".repeat(64), AvatarSize.M, NOW)).isEqualTo(LOCATION);

        RedirectCache off = new RedirectCache(Duration.ZERO);
        off.remember(PUBKEY, AvatarSize.M, LOCATION, NOW, null);
        assertThat(off.find(PUBKEY, AvatarSize.M, NOW)).isNull();
    }

    @Test
    void theLifetimeStaysWithinHalfTheUrlsLife() {
        AvatarSettings settings = new AvatarSettings(true, Duration.ofSeconds(40), true, Duration.ofHours(1),
                Duration.ofDays(30), Duration.ofDays(60), Duration.ofSeconds(30), SafeImageFetcher.Settings.DEFAULTS);
        assertThat(settings.redirectCacheFor()).isEqualTo(Duration.ofSeconds(20));
    }
}
