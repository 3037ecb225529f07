package dev.nostrcache.infra.avatar;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.core.nip.Profile;
import dev.nostrcache.infra.avatar.AvatarRepository.Avatar;
import dev.nostrcache.infra.avatar.AvatarRepository.Status;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.net.UpstreamQuery;
import dev.nostrcache.infra.storage.EventRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The profile-picture cache: answers {@code /profile-pic}, caches a pubkey's picture (profile from the database or
 * the upstream relays, safe download, variants content-addressed in S3, one metadata row), runs batch and follows
 * jobs through the avatars queue, and purges. Database and S3 failures propagate (the caller answers 5xx, or the
 * queue retries); a bad origin is an outcome, recorded with its reason and not retried before {@code retryAfter}.
 */
public final class AvatarCache {
    private static final Logger LOG = LoggerFactory.getLogger(AvatarCache.class);
    public static final int MAX_BATCH = 1000;
    public static final int DEFAULT_FOLLOWS_LIMIT = 500;

    /** What {@code GET /profile-pic} answers. */
    public sealed interface PictureAnswer {
        /** 302 to a presigned URL of the variant. */
        record Redirect(URI location, int maxAgeSeconds) implements PictureAnswer {
        }

        /** 404: no profile, or a profile without a picture. */
        record NoPicture(String message) implements PictureAnswer {
        }

        /** The origin failed (now or recently): the configured fallback applies. */
        record OriginFailed(String sourceUrl, String reason) implements PictureAnswer {
        }
    }

    /** What caching one pubkey's picture came to. */
    public sealed interface Outcome {
        record Cached(Avatar avatar) implements Outcome {
        }

        record NoPicture(String reason) implements Outcome {
        }

        record Failed(String sourceUrl, String reason) implements Outcome {
        }
    }

    public record JobStarted(UUID jobId, int count, List<String> invalid, String source) {
    }

    public record Purged(int objects, int pictures, int jobs) {
    }

    private final AvatarRepository avatars;
    private final AvatarJobRepository jobs;
    private final AvatarBucket bucket;
    private final SafeImageFetcher fetcher;
    private final EventRepository events;
    private final UpstreamQuery upstream;
    private final EventSubmitter submitter;
    private final AvatarQueue queue;
    private final AvatarSettings settings;
    private final Clock clock;
    private final RedirectCache redirects;
    private final Map<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();

    public AvatarCache(AvatarRepository avatars, AvatarJobRepository jobs, AvatarBucket bucket, SafeImageFetcher fetcher,
                       EventRepository events, UpstreamQuery upstream, EventSubmitter submitter, AvatarQueue queue,
                       AvatarSettings settings, Clock clock) {
        this.avatars = avatars;
        this.jobs = jobs;
        this.bucket = bucket;
        this.fetcher = fetcher;
        this.events = events;
        this.upstream = upstream;
        this.submitter = submitter;
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
        this.redirects = new RedirectCache(settings.redirectCacheFor());
    }

    public AvatarSettings settings() {
        return settings;
    }

    public PictureAnswer profilePicture(String pubkey, AvatarSize size) throws SQLException {
        Instant now = clock.instant();
        URI recent = redirects.find(pubkey, size, now);
        if (recent != null) {
            return new PictureAnswer.Redirect(recent, settings.redirectMaxAgeSeconds());
        }
        Optional<Avatar> row = avatars.find(pubkey);
        if (row.isPresent()) {
            Avatar avatar = row.get();
            if (avatar.status() == Status.CACHED && age(avatar, now).compareTo(settings.servableFor()) < 0) {
                if (age(avatar, now).compareTo(settings.refreshAfter()) > 0
                        && avatars.claimRefresh(pubkey, now, now.plus(settings.retryAfter()))) {
                    queue.send(List.of(AvatarRequest.refresh(pubkey, null, "expired")));
                }
                return redirect(pubkey, avatar, size, now);
            }
            boolean recentlyTried = avatar.retryAfter() != null && avatar.retryAfter().isAfter(now);
            if (avatar.status() == Status.FAILED && recentlyTried) {
                return new PictureAnswer.OriginFailed(avatar.sourceUrl(), avatar.lastError());
            }
            if (avatar.status() == Status.NO_PICTURE && recentlyTried) {
                return new PictureAnswer.NoPicture(avatar.lastError());
            }
        }
        return switch (cache(pubkey, null, true)) {
            case Outcome.Cached cached -> redirect(pubkey, cached.avatar(), size, now);
            case Outcome.NoPicture none -> new PictureAnswer.NoPicture(none.reason());
            case Outcome.Failed failed -> new PictureAnswer.OriginFailed(failed.sourceUrl(), failed.reason());
        };
    }

    private PictureAnswer redirect(String pubkey, Avatar avatar, AvatarSize size, Instant now) {
        String variant = avatar.variant(size);
        URI location = bucket.presignedGet(AvatarBucket.variantKey(avatar.sha256(), variant), settings.urlLifetime());
        Instant refreshDue = avatar.fetchedAt() == null ? now : avatar.fetchedAt().plus(settings.refreshAfter());
        redirects.remember(pubkey, size, location, now, refreshDue);
        return new PictureAnswer.Redirect(location, settings.redirectMaxAgeSeconds());
    }

    private static Duration age(Avatar avatar, Instant now) {
        return avatar.fetchedAt() == null ? Duration.ofDays(36500) : Duration.between(avatar.fetchedAt(), now);
    }

    /**
     * Caches the picture of {@code pubkey}: from {@code knownUrl} when given, else from its newest profile. Unless
     * {@code force}, a picture already cached from the same URL and not yet due for refresh is left as it is.
     */
    public Outcome cache(String pubkey, String knownUrl, boolean force) throws SQLException {
        Instant now = clock.instant();
        String url = knownUrl;
        if (url == null) {
            Optional<Event> profile = newestReplaceable(pubkey, 0).map(Found::event);
            if (profile.isEmpty()) {
                return noPicture(pubkey, "no profile found for " + pubkey, now);
            }
            url = Profile.of(profile.get()).picture();
            if (url == null) {
                return noPicture(pubkey, "the profile of " + pubkey + " has no picture", now);
            }
        }
        if (!force) {
            Optional<Avatar> existing = avatars.find(pubkey);
            if (existing.isPresent() && existing.get().status() == Status.CACHED && url.equals(existing.get().sourceUrl())
                    && age(existing.get(), now).compareTo(settings.refreshAfter()) < 0) {
                return new Outcome.Cached(existing.get());
            }
        }
        return fetchOnce(pubkey, url, now);
    }

    /**
     * Fetches, renders and stores the picture at {@code url} for {@code pubkey}; a caller that asks for the same while
     * it runs (a second request for the same avatar, the refresh ingest queued for it) waits for that outcome instead
     * of downloading and decoding it again.
     */
    private Outcome fetchOnce(String pubkey, String url, Instant now) throws SQLException {
        String key = pubkey + " " + url;
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Outcome outcome = fetchAndStore(pubkey, url, now);
            mine.complete(outcome);
            return outcome;
        } catch (SQLException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Outcome fetchAndStore(String pubkey, String url, Instant now) throws SQLException {
        try {
            SafeImageFetcher.Image image = fetcher.fetch(url);
            Map<AvatarSize, ImageVariants.Variant> variants = ImageVariants.render(image);
            String sha = Hex.encode(Sha256.digest(image.bytes()));
            bucket.put(AvatarBucket.originalKey(sha), image.bytes(), image.type().mediaType());
            List<String> files = new ArrayList<>();
            for (ImageVariants.Variant v : variants.values()) {
                String file = v.size().code() + "." + v.extension();
                bucket.put(AvatarBucket.variantKey(sha, file), v.bytes(), v.mediaType());
                files.add(file);
            }
            avatars.saveCached(pubkey, url, sha, image.type().mediaType(), image.bytes().length,
                    image.dimensions().width(), image.dimensions().height(), files, now);
            redirects.forget(pubkey);
            return new Outcome.Cached(avatars.find(pubkey).orElseThrow());
        } catch (SafeImageFetcher.RefusedException | ImageVariants.UndecodableException e) {
            LOG.info("avatar of {} from {} not cached: {}", pubkey, url, e.getMessage());
            avatars.saveFailed(pubkey, url, e.getMessage(), now, now.plus(settings.retryAfter()));
            return new Outcome.Failed(url, e.getMessage());
        }
    }

    private Outcome noPicture(String pubkey, String reason, Instant now) throws SQLException {
        avatars.saveNoPicture(pubkey, reason, now, now.plus(settings.retryAfter()));
        return new Outcome.NoPicture(reason);
    }

    /**
     * The newest replaceable event of {@code kind} by {@code pubkey}: the stored one, else the upstream relays'
     * (which then goes to the ingest queue, to be stored like any other event), and which of the two it was.
     */
    private Optional<Found> newestReplaceable(String pubkey, int kind) throws SQLException {
        Optional<String> stored = events.findCurrentJson(new ReplacementKey(pubkey, kind, ""));
        if (stored.isPresent()) {
            try {
                return Optional.of(new Found(EventParser.forStoredEvents().parse(stored.get()), true));
            } catch (InvalidEventException e) {
                throw new IllegalStateException("a stored event does not parse: " + e.getMessage(), e);
            }
        }
        Optional<UpstreamQuery.Found> found = upstream.newestReplaceable(pubkey, kind);
        found.ifPresent(f -> submitter.submit(f.json(), kind, f.relay()));
        return found.map(f -> new Found(f.event(), false));
    }

    private record Found(Event event, boolean stored) {
    }

    /** Handles one message of the avatars queue. */
    public void handle(AvatarRequest request) throws SQLException {
        Outcome outcome = cache(request.pubkey(), request.url(), request.jobId() == null);
        if (request.jobId() != null) {
            jobs.settle(request.jobId(), request.pubkey(),
                    outcome instanceof Outcome.Failed failed ? failed.reason() : null, clock.instant());
        }
    }

    /** Starts a job for these pubkeys (hex or npub; at most {@link #MAX_BATCH}); the invalid ones are listed back. */
    public JobStarted startBatch(List<String> pubkeys) throws SQLException {
        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String value : pubkeys) {
            String hex = Nip19.pubkeyFrom(value);
            if (hex == null) {
                invalid.add(value);
            } else {
                valid.add(hex);
            }
        }
        return start("batch", null, valid, invalid, "request");
    }

    /** Starts a job for the first {@code limit} follows of {@code pubkey}; empty when no contact list is found. */
    public Optional<JobStarted> startFollows(String pubkey, int limit) throws SQLException {
        Optional<Found> contacts = newestReplaceable(pubkey, 3);
        if (contacts.isEmpty()) {
            return Optional.empty();
        }
        List<String> follows = ContactList.follows(contacts.get().event()).stream().limit(limit).toList();
        return Optional.of(start("follows", pubkey, follows, List.of(), contacts.get().stored() ? "database" : "upstream"));
    }

    private JobStarted start(String origin, String requestedFor, List<String> pubkeys, List<String> invalid,
                             String source) throws SQLException {
        List<String> distinct = pubkeys.stream().distinct().toList();
        UUID id = jobs.create(origin, requestedFor, distinct, clock.instant());
        queue.send(distinct.stream().map(pk -> AvatarRequest.jobItem(id, pk)).toList());
        return new JobStarted(id, distinct.size(), invalid, source);
    }

    public Optional<AvatarJobRepository.Progress> progress(UUID jobId) throws SQLException {
        return jobs.progress(jobId);
    }

    /** Deletes every cached picture and its rows; with {@code jobs}, the job history too. */
    public Purged purgeAll(boolean withJobs) throws SQLException {
        redirects.clear();
        int objects = bucket.deleteAll();
        int pictures = avatars.deleteAll();
        return new Purged(objects, pictures, withJobs ? jobs.deleteAll() : 0);
    }

    /** Deletes one pubkey's row, and its objects unless another pubkey uses the same picture; empty if none. */
    public Optional<Purged> purge(String pubkey) throws SQLException {
        redirects.forget(pubkey);
        Optional<String> sha = avatars.delete(pubkey);
        if (sha.isEmpty()) {
            return Optional.empty();
        }
        int objects = !sha.get().isEmpty() && !avatars.pictureInUse(sha.get()) ? bucket.deletePicture(sha.get()) : 0;
        return Optional.of(new Purged(objects, 1, 0));
    }
}
