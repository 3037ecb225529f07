package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.infra.avatar.AvatarCache;
import dev.nostrcache.infra.avatar.AvatarCache.PictureAnswer;
import dev.nostrcache.infra.avatar.AvatarJobRepository;
import dev.nostrcache.infra.avatar.AvatarSize;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static dev.nostrcache.functions.http.HttpResponses.JSON;
import static dev.nostrcache.functions.http.HttpResponses.error;
import static dev.nostrcache.functions.http.HttpResponses.json;

/**
 * The profile-picture API (compatible with the seed relay's paths, but safe): {@code profilePic} is the hot path,
 * {@code avatarJobs} starts and reports batch and follows jobs, {@code avatarAdmin} purges behind the admin
 * credential, {@code examplePage} serves the demo page. A database or S3 failure answers 503 with a JSON error.
 */
@Configuration(proxyBeanMethods = false)
public class AvatarHttpFunctions {
    private static final Logger LOG = LoggerFactory.getLogger(AvatarHttpFunctions.class);

    /** A unit of work that may fail on the database or S3. */
    private interface Handler {
        APIGatewayV2HTTPResponse handle() throws Exception;
    }

    private static APIGatewayV2HTTPResponse guarded(String what, Handler handler) {
        try {
            return handler.handle();
        } catch (Exception e) {
            LOG.warn("{} failed", what, e);
            return error(503, "the cache is unavailable right now; try again shortly");
        }
    }

    @Bean
    Function<InputStream, APIGatewayV2HTTPResponse> profilePic(ObjectProvider<AvatarCache> cache,
                                                                          MeterRegistry metrics) {
        return HttpFunctions.reading(request -> {
            String raw = HttpResponses.pathParameter(request, "pubkey");
            String pubkey = Nip19.pubkeyFrom(raw);
            if (pubkey == null) {
                return error(400, "not a pubkey: expected 64 lowercase hex characters or an npub");
            }
            String sizeParameter = HttpResponses.queryParameter(request, "size");
            AvatarSize size = sizeParameter == null ? AvatarSize.DEFAULT : AvatarSize.parse(sizeParameter);
            if (size == null) {
                return error(400, "size must be s, m or l");
            }
            return guarded("profile-pic " + pubkey, () -> {
                AvatarCache avatars = cache.getObject();
                if (!avatars.settings().enabled()) {
                    return turnedOff();
                }
                PictureAnswer answer = avatars.profilePicture(pubkey, size);
                metrics.counter("nostr_cache.profile_pic", "answer", answer.getClass().getSimpleName().toLowerCase(
                        Locale.ROOT)).increment();
                return switch (answer) {
                    case PictureAnswer.Redirect r -> HttpResponses.redirect(r.location().toString(),
                            "public, max-age=" + r.maxAgeSeconds());
                    case PictureAnswer.NoPicture none -> error(404, none.message());
                    case PictureAnswer.OriginFailed failed -> avatars.settings().redirectOnFailure()
                            // Short: the picture may be cached on the next try.
                            ? HttpResponses.redirect(failed.sourceUrl(), "public, max-age=60")
                            : error(502, "the picture could not be fetched from its origin: " + failed.reason());
                };
            });
        });
    }

    @Bean
    Function<InputStream, APIGatewayV2HTTPResponse> avatarJobs(ObjectProvider<AvatarCache> cache) {
        return HttpFunctions.reading(request -> {
            if (!cache.getObject().settings().enabled()) {
                return turnedOff();
            }
            String method = HttpResponses.method(request);
            String jobId = HttpResponses.pathParameter(request, "jobId");
            String followsOf = HttpResponses.pathParameter(request, "pubkey");
            if (method.equals("POST") && jobId == null && followsOf == null) {
                return batch(cache, request);
            }
            if (method.equals("GET") && jobId != null) {
                return progress(cache, jobId);
            }
            if (method.equals("GET") && followsOf != null) {
                return follows(cache, request, followsOf);
            }
            return error(405, "method not allowed");
        });
    }

    private static APIGatewayV2HTTPResponse turnedOff() {
        return error(404, "the profile-picture cache is turned off here (avatar_cache: false)");
    }

    private static APIGatewayV2HTTPResponse batch(ObjectProvider<AvatarCache> cache, APIGatewayV2HTTPEvent request) {
        JsonNode body;
        try {
            body = JSON.readTree(HttpResponses.body(request));
        } catch (JacksonException e) {
            return error(400, "the body must be JSON: {\"pubkeys\": [...]}");
        }
        if (body == null || !body.isObject() || !body.path("pubkeys").isArray()) {
            return error(400, "the body must be {\"pubkeys\": [...]}");
        }
        List<String> pubkeys = new ArrayList<>();
        for (JsonNode item : body.get("pubkeys").values()) {
            pubkeys.add(item.isString() ? item.asString() : item.toString());
        }
        if (pubkeys.isEmpty()) {
            return error(400, "no pubkeys given");
        }
        if (pubkeys.size() > AvatarCache.MAX_BATCH) {
            return error(400, "at most " + AvatarCache.MAX_BATCH + " pubkeys per batch, got " + pubkeys.size());
        }
        return guarded("batch-cache", () -> {
            AvatarCache.JobStarted job = cache.getObject().startBatch(pubkeys);
            return json(202, started(job, "Caching " + job.count() + " profile pictures"));
        });
    }

    private static APIGatewayV2HTTPResponse follows(ObjectProvider<AvatarCache> cache, APIGatewayV2HTTPEvent request,
                                                    String raw) {
        String pubkey = Nip19.pubkeyFrom(raw);
        if (pubkey == null) {
            return error(400, "not a pubkey: expected 64 lowercase hex characters or an npub");
        }
        int limit = AvatarCache.DEFAULT_FOLLOWS_LIMIT;
        String limitParameter = HttpResponses.queryParameter(request, "limit");
        if (limitParameter != null) {
            try {
                limit = Integer.parseInt(limitParameter);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit <= 0) {
                return error(400, "limit must be a positive integer (at most " + AvatarCache.MAX_BATCH + ")");
            }
            limit = Math.min(limit, AvatarCache.MAX_BATCH);
        }
        int cap = limit;
        return guarded("cache-follows " + pubkey, () -> {
            Optional<AvatarCache.JobStarted> job = cache.getObject().startFollows(pubkey, cap);
            if (job.isEmpty()) {
                return error(404, "no contact list found for " + pubkey);
            }
            ObjectNode answer = started(job.get(), "Caching profile pictures of " + job.get().count()
                    + " follows of " + pubkey);
            answer.put("source", job.get().source());
            return json(202, answer);
        });
    }

    private static ObjectNode started(AvatarCache.JobStarted job, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "accepted");
        answer.put("job_id", job.jobId().toString());
        answer.put("count", job.count());
        ArrayNode invalid = answer.putArray("invalid");
        job.invalid().forEach(invalid::add);
        answer.put("message", message);
        answer.put("progress", "/batch-cache/" + job.jobId());
        return answer;
    }

    private static APIGatewayV2HTTPResponse progress(ObjectProvider<AvatarCache> cache, String rawId) {
        UUID id;
        try {
            id = UUID.fromString(rawId);
        } catch (IllegalArgumentException e) {
            return error(400, "not a job id");
        }
        return guarded("batch-cache progress", () -> {
            Optional<AvatarJobRepository.Progress> found = cache.getObject().progress(id);
            if (found.isEmpty()) {
                return error(404, "no job " + id);
            }
            AvatarJobRepository.Progress p = found.get();
            ObjectNode answer = JSON.createObjectNode();
            answer.put("job_id", p.jobId().toString());
            answer.put("origin", p.origin());
            if (p.requestedFor() != null) {
                answer.put("requested_for", p.requestedFor());
            }
            answer.put("total", p.total());
            answer.put("done", p.done());
            answer.put("failed", p.failed());
            answer.put("pending", p.pending());
            answer.put("finished", p.finishedAt() != null);
            answer.put("created_at", p.createdAt().toString());
            if (p.finishedAt() != null) {
                answer.put("finished_at", p.finishedAt().toString());
            }
            ArrayNode failures = answer.putArray("failures");
            for (AvatarJobRepository.Failure f : p.failures()) {
                failures.addObject().put("pubkey", f.pubkey()).put("error", f.error());
            }
            return json(200, answer);
        });
    }

    @Bean
    Function<InputStream, APIGatewayV2HTTPResponse> avatarAdmin(ObjectProvider<AvatarCache> cache,
                                                                           AdminCredential admin) {
        return HttpFunctions.reading(request -> {
            switch (admin.check(HttpResponses.header(request, "authorization"))) {
                case MISSING -> {
                    APIGatewayV2HTTPResponse r = error(401, "an admin bearer token is required");
                    r.getHeaders().put("WWW-Authenticate", "Bearer realm=\"nostr-cache admin\"");
                    return r;
                }
                case WRONG -> {
                    return error(403, "the admin token is wrong");
                }
                case DISABLED -> {
                    return error(403, "purges are disabled: no admin token is configured");
                }
                case ALLOWED -> {
                }
            }
            String cacheType = HttpResponses.pathParameter(request, "cacheType");
            String rawPubkey = HttpResponses.pathParameter(request, "pubkey");
            if (cacheType != null) {
                if (!cacheType.equals("all") && !cacheType.equals("profile-pics")) {
                    return error(400, "unknown cache type: use 'all' or 'profile-pics'");
                }
                return guarded("purge-cache", () -> {
                    AvatarCache.Purged purged = cache.getObject().purgeAll(cacheType.equals("all"));
                    return json(200, purgedAnswer(purged, cacheType.equals("all")
                            ? "All cached media and job history purged" : "Profile picture cache purged"));
                });
            }
            String pubkey = Nip19.pubkeyFrom(rawPubkey);
            if (pubkey == null) {
                return error(400, "not a pubkey: expected 64 lowercase hex characters or an npub");
            }
            return guarded("purge-profile-pic", () -> {
                Optional<AvatarCache.Purged> purged = cache.getObject().purge(pubkey);
                return purged.isEmpty() ? error(404, "no cached profile picture for " + pubkey)
                        : json(200, purgedAnswer(purged.get(), "Profile picture of " + pubkey + " purged"));
            });
        });
    }

    private static ObjectNode purgedAnswer(AvatarCache.Purged purged, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "success");
        answer.put("message", message);
        answer.put("objects_deleted", purged.objects());
        answer.put("pictures_deleted", purged.pictures());
        answer.put("jobs_deleted", purged.jobs());
        return answer;
    }

    @Bean
    Function<InputStream, APIGatewayV2HTTPResponse> examplePage() {
        String page = resource("/static/profile-pic-example.html");
        return HttpFunctions.reading(request -> APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "public, max-age=300",
                        "Content-Security-Policy", "default-src 'self'; img-src * data:; style-src 'unsafe-inline'; "
                                + "script-src 'unsafe-inline'; connect-src 'self'",
                        "X-Content-Type-Options", "nosniff"))
                .withBody(page).build());
    }

    private static String resource(String name) {
        try (InputStream in = AvatarHttpFunctions.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the artifact");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
