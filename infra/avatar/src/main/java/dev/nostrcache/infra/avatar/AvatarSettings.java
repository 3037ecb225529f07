package dev.nostrcache.infra.avatar;

import dev.nostrcache.infra.config.CacheConfig;

import java.time.Duration;

/**
 * How the avatar cache behaves, from the configuration ({@link #from}: the config file locally, the function's
 * environment on AWS).
 *
 * @param enabled            false: pictures are never fetched (the routes say the cache is off)
 * @param urlLifetime        lifetime of a presigned redirect target
 * @param redirectOnFailure  a picture that cannot be fetched: 302 to its original URL (true) or 502 (false)
 * @param retryAfter         a failed or missing picture is not looked for again for this long
 * @param refreshAfter       a cached picture older than this is served while a refresh is queued
 * @param servableFor        a cached picture older than this is fetched again before it is served (its S3 objects
 *                           may have expired by then)
 * @param redirectCacheFor   how long a process answers a pubkey's redirect again without its row (0: never);
 *                           kept within half the URL lifetime
 * @param fetcher            the download limits
 */
public record AvatarSettings(boolean enabled, Duration urlLifetime, boolean redirectOnFailure, Duration retryAfter,
                             Duration refreshAfter, Duration servableFor, Duration redirectCacheFor,
                             SafeImageFetcher.Settings fetcher) {

    public AvatarSettings {
        Duration half = urlLifetime.dividedBy(2);
        redirectCacheFor = redirectCacheFor.compareTo(half) > 0 ? half : redirectCacheFor;
    }

    /** A picture stays servable until a day before S3 expires its objects (on AWS; locally nothing expires them). */
    public static AvatarSettings from(CacheConfig config) {
        return new AvatarSettings(config.avatarCache(), Duration.ofSeconds(config.avatarUrlLifetimeSeconds()),
                config.avatarOriginFailure().equals("redirect"), Duration.ofSeconds(config.avatarRetrySeconds()),
                Duration.ofDays(config.cacheExpirationDays()), Duration.ofDays(config.avatarObjectExpirationDays() - 1),
                Duration.ofSeconds(config.avatarRedirectCacheSeconds()), fetcherSettings(config.allowPrivateOrigins()));
    }

    public static SafeImageFetcher.Settings fetcherSettings(boolean allowPrivateOrigins) {
        SafeImageFetcher.Settings d = SafeImageFetcher.Settings.DEFAULTS;
        return new SafeImageFetcher.Settings(allowPrivateOrigins, d.maxRedirects(), d.timeout(), d.maxBytes(), d.maxPixels());
    }

    /** What a redirect may be cached for by browsers: well inside the presigned URL's life. */
    public int redirectMaxAgeSeconds() {
        return (int) Math.max(0, urlLifetime.toSeconds() / 2);
    }
}
