package dev.nostrcache.infra.avatar;

import dev.nostrcache.infra.net.OutboundPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Downloads a profile picture from an address a stranger chose, safely: http(s) only; every host resolved and every
 * address checked by {@link OutboundPolicy} before connecting, again on each redirect (at most {@code maxRedirects});
 * one deadline for the whole download; the size limit enforced while streaming; the type taken from the bytes; and
 * the pixel count read from the header and bounded before anything decodes it.
 *
 * <p>The residual risk of DNS rebinding is {@link OutboundPolicy}'s.
 */
public final class SafeImageFetcher implements AutoCloseable {

    /** The limits; {@link #DEFAULTS} are the design's. */
    public record Settings(boolean allowLoopback, int maxRedirects, Duration timeout, long maxBytes, long maxPixels) {
        public static final Settings DEFAULTS = new Settings(false, 3, Duration.ofSeconds(10), 10L * 1024 * 1024,
                40_000_000L);
    }

    /** A picture that passed every check. */
    public record Image(byte[] bytes, ImageType type, ImageDimensions dimensions, URI finalUrl) {
    }

    /** Why a picture was not fetched, in words fit for the avatar's {@code last_error}. */
    public static final class RefusedException extends Exception {
        public RefusedException(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Settings settings;
    private final OutboundPolicy policy;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "image-fetch-deadline");
        t.setDaemon(true);
        return t;
    });

    public SafeImageFetcher(Settings settings) {
        this.settings = settings;
        this.policy = new OutboundPolicy(settings.allowLoopback());
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout()).build();
    }

    public Image fetch(String url) throws RefusedException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        URI uri = parse(url);
        for (int hop = 0; ; hop++) {
            checkOrigin(uri);
            HttpResponse<InputStream> response = send(uri, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                close(response.body());
                if (hop >= settings.maxRedirects()) {
                    throw new RefusedException("more than " + settings.maxRedirects() + " redirects");
                }
                uri = parse(uri.resolve(response.headers().firstValue("Location").get()).toString());
                continue;
            }
            if (status != 200) {
                close(response.body());
                throw new RefusedException("the origin answered HTTP " + status);
            }
            byte[] bytes = read(response.body(), deadline);
            return inspect(bytes, uri);
        }
    }

    private Image inspect(byte[] bytes, URI finalUrl) throws RefusedException {
        ImageType type = ImageType.sniff(bytes);
        if (type == null) {
            throw new RefusedException(ImageType.looksLikeMarkup(bytes) ? "SVG and other markup are refused"
                    : "not a JPEG, PNG, GIF or WebP picture");
        }
        ImageDimensions dimensions = ImageDimensions.of(bytes, type);
        if (dimensions == null || dimensions.width() <= 0 || dimensions.height() <= 0) {
            throw new RefusedException("a " + type.mediaType() + " whose size cannot be read");
        }
        if (dimensions.pixels() > settings.maxPixels()) {
            throw new RefusedException("a " + dimensions.width() + "x" + dimensions.height() + " picture has more than "
                    + settings.maxPixels() + " pixels");
        }
        return new Image(bytes, type, dimensions, finalUrl);
    }

    private static URI parse(String url) throws RefusedException {
        try {
            return OutboundPolicy.parse(url, OutboundPolicy.WEB);
        } catch (OutboundPolicy.RefusedException e) {
            throw new RefusedException(e.getMessage());
        }
    }

    private void checkOrigin(URI uri) throws RefusedException {
        try {
            policy.checkHost(uri);
        } catch (OutboundPolicy.RefusedException e) {
            throw new RefusedException(e.getMessage());
        }
    }

    private HttpResponse<InputStream> send(URI uri, long deadline) throws RefusedException {
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            throw new RefusedException("took longer than " + settings.timeout().toSeconds() + " s");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(left).header("Accept", "image/*")
                .header("User-Agent", "nostr-cache avatar fetcher").GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new RefusedException("took longer than " + settings.timeout().toSeconds() + " s");
        } catch (IOException e) {
            throw new RefusedException("could not reach the origin: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefusedException("interrupted");
        }
    }

    /** Reads at most maxBytes before the deadline; a stalled stream is closed by the watchdog at the deadline. */
    private byte[] read(InputStream body, long deadline) throws RefusedException {
        ScheduledFuture<?> cut = watchdog.schedule(() -> close(body), Math.max(1, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        try (body) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
            if (System.nanoTime() >= deadline) {
                throw new RefusedException("took longer than " + settings.timeout().toSeconds() + " s");
            }
            if (bytes.length > settings.maxBytes()) {
                throw new RefusedException("larger than " + settings.maxBytes() + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new RefusedException(System.nanoTime() >= deadline
                    ? "took longer than " + settings.timeout().toSeconds() + " s" : "the download broke off");
        } finally {
            cut.cancel(false);
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to do with a stream we are abandoning
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        http.close();
    }
}
