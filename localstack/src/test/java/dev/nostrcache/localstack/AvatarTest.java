package dev.nostrcache.localstack;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import dev.nostrcache.infra.avatar.testing.TestImages;
import dev.nostrcache.infra.testing.TestDatabase;
import dev.nostrcache.worker.testing.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile-picture cache end to end: the HTTP API on the local gateway, the avatar function on the avatars queue,
 * S3Proxy behind presigned redirects, a picture origin and an upstream relay on loopback. Origin failures are
 * configured to answer 502 here, so each one shows its reason; the redirect fallback has its own test.
 */
class AvatarTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "test-admin-token";
    private static final AtomicInteger KEYS = new AtomicInteger(100);
    @TempDir
    private static Path dir;
    private static ImageOrigin origin;
    private static TestRelay upstream;
    private static LocalStack stack;
    private static S3Client s3;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /** Only on the upstream relay: a profile (with an older one, and a newer one with a forged signature). */
    private static Event upstreamProfile;
    private static Event upstreamContacts;

    @BeforeAll
    static void start() throws Exception {
        origin = new ImageOrigin()
                .serve("/photo.jpg", "image/jpeg", TestImages.encode("jpeg", 1600, 1200))
                .serve("/alpha.png", "image/png", TestImages.encode("png", 500, 300, true))
                .serve("/anim.gif", "image/gif", TestImages.encode("gif", 300, 200))
                .serve("/gradient.webp", "image/webp", TestImages.fixture(TestImages.WEBP_LOSSY))
                .serve("/oval.webp", "image/webp", TestImages.fixture(TestImages.WEBP_LOSSLESS_ALPHA))
                .serve("/upstream.jpg", "image/jpeg", TestImages.encode("jpeg", 640, 480))
                .serve("/page.html", "image/png", "<!doctype html><html><body>not a picture</body></html>".getBytes())
                .serve("/logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes())
                .serve("/bomb.png", "image/png", TestImages.bombPng(50_000))
                .serve("/broken.jpg", "image/jpeg", Arrays.copyOf(TestImages.encode("jpeg", 64, 64), 200))
                .redirect("/to-metadata.jpg", "http://169.254.169.254/latest/meta-data/iam")
                .redirect("/to-private.jpg", "http://10.1.2.3/avatar.jpg")
                .trickle("/slow.jpg", 100, 200)
                .endless("/endless.jpg");
        for (int i = 1; i <= 8; i++) {
            origin.serve("/job" + i + ".png", "image/png", TestImages.encode("png", 100 + i, 100));
        }
        upstreamProfile = TestKeys.signer(50).sign(1_700_000_100L, 0, List.of(),
                "{\"name\":\"upstream\",\"picture\":\"" + origin.url("/upstream.jpg") + "\"}");
        Event older = TestKeys.signer(50).sign(1_700_000_000L, 0, List.of(), "{\"name\":\"old\",\"picture\":\"" + origin.url("/missing-old.jpg") + "\"}");
        Event forged = TestKeys.signer(50).sign(1_700_000_200L, 0, List.of(), "{\"name\":\"forged\",\"picture\":\"" + origin.url("/missing-forged.jpg") + "\"}");
        String forgedJson = forged.toJson().replace(forged.sig(), "0".repeat(128));
        upstreamContacts = TestKeys.signer(51).sign(1_700_000_100L, 3, List.of(
                List.of("p", TestKeys.signer(52).pubkey()), List.of("p", TestKeys.signer(53).pubkey()),
                List.of("p", TestKeys.signer(50).pubkey())), "");
        upstream = TestRelay.serving(List.of(older.toJson(), upstreamProfile.toJson(), forgedJson, upstreamContacts.toJson()));
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [\"" + upstream.url() + "\"], "
                + "\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, "
                + "\"allow_private_origins\": true, \"admin_token\": \"" + ADMIN_TOKEN + "\", "
                + "\"avatar_origin_failure\": \"error\", \"max_concurrent\": 4}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
        s3 = LocalAws.s3(stack.s3Endpoint());
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        stack.close();
        upstream.close();
        origin.close();
    }

    /** Stores a profile with this picture straight into the database (no ingest, so no refresh is queued). */
    private static String profile(String picture) throws Exception {
        var signer = TestKeys.signer(KEYS.incrementAndGet());
        String content = picture == null ? "{\"name\":\"no picture\"}" : "{\"name\":\"x\",\"picture\":\"" + picture + "\"}";
        TestDatabase.storeRow(stack.dataSource(), signer.sign(1_700_000_000L, 0, List.of(), content));
        return signer.pubkey();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack.httpUrl().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.httpUrl().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Set<String> bucketKeys() {
        Set<String> keys = new TreeSet<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(stack.bucket())).contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    private static Map<String, String> avatarRow(String pubkey) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, source_url, encode(sha256, 'hex'), last_error, fetched_at FROM avatars WHERE pubkey = decode(?, 'hex')")) {
            ps.setString(1, pubkey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, String> row = new LinkedHashMap<>();
                row.put("status", rs.getString(1));
                row.put("source_url", rs.getString(2));
                row.put("sha256", rs.getString(3));
                row.put("last_error", rs.getString(4));
                row.put("fetched_at", String.valueOf(rs.getTimestamp(5)));
                return row;
            }
        }
    }

    private static JsonNode awaitJobFinished(String jobId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode progress;
        do {
            HttpResponse<String> r = get("/batch-cache/" + jobId);
            assertThat(r.statusCode()).isEqualTo(200);
            progress = JSON.readTree(r.body());
            assertThat(progress.get("done").asInt() + progress.get("failed").asInt() + progress.get("pending").asInt())
                    .isEqualTo(progress.get("total").asInt());
            if (progress.get("finished").asBoolean()) {
                return progress;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + jobId + " did not finish: " + progress);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void picturesOfEveryFormatAreCachedResizedAndServedFromS3() throws Exception {
        record Case(String path, String servedType, int[][] sizes) {
        }
        List<Case> cases = List.of(
                new Case("/photo.jpg", "image/jpeg", new int[][]{{200, 150}, {400, 300}, {1000, 750}}),
                new Case("/alpha.png", "image/png", new int[][]{{200, 120}, {400, 240}, {500, 300}}),
                new Case("/anim.gif", "image/jpeg", new int[][]{{200, 133}, {300, 200}, {300, 200}}),
                new Case("/gradient.webp", "image/jpeg", new int[][]{{200, 150}, {400, 300}, {1000, 750}}),
                new Case("/oval.webp", "image/png", new int[][]{{150, 120}, {150, 120}, {150, 120}}));
        for (Case c : cases) {
            String pubkey = profile(origin.url(c.path()));
            for (String size : List.of("s", "m", "l")) {
                HttpResponse<String> redirect = get("/profile-pic/" + pubkey + "?size=" + size);
                assertThat(redirect.statusCode()).as(c.path() + " " + size).isEqualTo(302);
                assertThat(redirect.headers().firstValue("Cache-Control")).contains("public, max-age=1800");
                String location = redirect.headers().firstValue("Location").orElseThrow();
                assertThat(location).startsWith(stack.s3Endpoint().toString()).contains("X-Amz-Signature=");
                HttpResponse<byte[]> picture = fetch(location);
                assertThat(picture.statusCode()).as("S3Proxy serves the presigned URL").isEqualTo(200);
                assertThat(picture.headers().firstValue("Content-Type")).contains(c.servedType());
                BufferedImage image = TestImages.decode(picture.body());
                int[] want = c.sizes()["sml".indexOf(size)];
                assertThat(new int[]{image.getWidth(), image.getHeight()}).as(c.path() + " " + size).containsExactly(want);
            }
            assertThat(origin.hits(c.path())).as("fetched once, then served from the cache").isEqualTo(1);
            Map<String, String> row = avatarRow(pubkey);
            assertThat(row.get("status")).isEqualTo("cached");
            byte[] originBytes = fetch(origin.url(c.path())).body();
            assertThat(row.get("sha256")).isEqualTo(Hex.encode(Sha256.digest(originBytes)));
            byte[] original = s3.getObjectAsBytes(r -> r.bucket(stack.bucket()).key("originals/" + row.get("sha256"))).asByteArray();
            assertThat(original).as("the original, content-addressed").isEqualTo(originBytes);
            HttpResponse<String> byNpub = get("/profile-pic/" + Nip19.npub(pubkey));
            assertThat(byNpub.statusCode()).isEqualTo(302);
            assertThat(URI.create(byNpub.headers().firstValue("Location").orElseThrow()).getPath())
                    .as("the default size is m").endsWith("/variants/" + row.get("sha256") + "/m."
                            + (c.servedType().equals("image/png") ? "png" : "jpg"));
        }
    }

    @Test
    void hostileOriginsGetTheirReasonAndNothingIsStored() throws Exception {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("/slow.jpg", "took longer than 10 s");
        reasons.put("/endless.jpg", "larger than 10485760 bytes");
        reasons.put("/to-metadata.jpg", "169.254.169.254 resolves to a link-local address");
        reasons.put("/to-private.jpg", "10.1.2.3 resolves to a private address");
        reasons.put("/page.html", "SVG and other markup are refused");
        reasons.put("/logo.svg", "SVG and other markup are refused");
        reasons.put("/bomb.png", "50000x50000 picture has more than 40000000 pixels");
        reasons.put("/broken.jpg", "image/jpeg does not decode");
        reasons.put("/gone.jpg", "the origin answered HTTP 404");
        Set<String> keysBefore = bucketKeys();
        Map<String, String> pubkeys = new LinkedHashMap<>();
        for (String path : reasons.keySet()) {
            pubkeys.put(path, profile(origin.url(path)));
        }
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<HttpResponse<String>>> answers = new LinkedHashMap<>();
            pubkeys.forEach((path, pubkey) -> answers.put(path, parallel.submit(() -> get("/profile-pic/" + pubkey))));
            for (var answer : answers.entrySet()) {
                HttpResponse<String> r = answer.getValue().get();
                assertThat(r.statusCode()).as(answer.getKey()).isEqualTo(502);
                assertThat(JSON.readTree(r.body()).get("error").asString()).as(answer.getKey())
                        .contains(reasons.get(answer.getKey()));
            }
        }
        Set<String> added = new TreeSet<>(bucketKeys());
        added.removeAll(keysBefore);
        Set<String> cachedShas = new TreeSet<>();
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT encode(sha256, 'hex') FROM avatars WHERE status = 'cached'"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                cachedShas.add(rs.getString(1));
            }
        }
        assertThat(added).as("nothing stored in S3 but pictures cached meanwhile by other work")
                .allMatch(key -> cachedShas.stream().anyMatch(key::contains));
        for (var entry : pubkeys.entrySet()) {
            Map<String, String> row = avatarRow(entry.getValue());
            assertThat(row.get("status")).isEqualTo("failed");
            assertThat(row.get("sha256")).isNull();
            assertThat(row.get("last_error")).contains(reasons.get(entry.getKey()));
            int hits = origin.hits(entry.getKey());
            assertThat(get("/profile-pic/" + entry.getValue()).statusCode()).isEqualTo(502);
            assertThat(origin.hits(entry.getKey())).as("negative caching: the origin is not asked again").isEqualTo(hits);
        }
    }

    @Test
    void badRequestsAndMissingPicturesGetClearAnswers() throws Exception {
        for (String bad : List.of("abc", "A".repeat(64), "npub1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "g".repeat(64))) {
            HttpResponse<String> r = get("/profile-pic/" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(JSON.readTree(r.body()).get("error").asString()).contains("not a pubkey");
        }
        HttpResponse<String> traversal = get("/profile-pic/%2e%2e%2fconfig.json");
        assertThat(traversal.statusCode()).as("an encoded separator is refused by the gateway itself").isEqualTo(400);
        assertThat(traversal.headers().firstValue("Content-Type")).contains("application/json");
        String pubkey = profile(origin.url("/photo.jpg"));
        assertThat(get("/profile-pic/" + pubkey + "?size=xl").statusCode()).isEqualTo(400);
        HttpResponse<String> noPicture = get("/profile-pic/" + profile(null));
        assertThat(noPicture.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noPicture.body()).get("error").asString()).contains("has no picture");
        String stranger = TestKeys.signer(9999).pubkey();
        HttpResponse<String> noProfile = get("/profile-pic/" + stranger);
        assertThat(noProfile.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noProfile.body()).get("error").asString()).contains("no profile found");
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/health").body()).get("database").asString()).isEqualTo("ok");
    }

    @Test
    void requestBodiesOfTheWrongShapeOrSizeAreRefused() throws Exception {
        for (String body : List.of("[1,2]", "[]", "\"text\"", "42", "null", "{\"pubkeys\": \"x\"}", "{\"pubkeys\": [1,", "")) {
            HttpResponse<String> r = send("POST", "/batch-cache", body, null);
            assertThat(r.statusCode()).as("POST /batch-cache %s", body).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asString()).contains("pubkeys");
        }
        // 1,000 npubs fit; a body past the limit is refused before it is read.
        String batch = "{\"pubkeys\": [" + String.join(",", java.util.Collections.nCopies(1000,
                "\"" + dev.nostrcache.core.nip.Nip19.npub(TestKeys.signer(5).pubkey()) + "\"")) + "]}";
        assertThat(send("POST", "/batch-cache", batch, null).statusCode()).isEqualTo(202);
        byte[] huge = new byte[LocalGateway.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        // With a length: refused from the headers. The client waits for that answer before sending the body (100-continue):
        // a client still sending when the refusal closes the connection may lose the answer to the reset.
        HttpResponse<String> sized = HTTP.send(HttpRequest.newBuilder(stack.httpUrl().resolve("/batch-cache"))
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sized.statusCode()).isEqualTo(413);
        // Without a length: streamed until the limit, then refused.
        HttpResponse<String> streamed = HTTP.send(HttpRequest.newBuilder(stack.httpUrl().resolve("/batch-cache"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(streamed.body()).get("message").asString()).contains("larger than " + LocalGateway.MAX_BODY_BYTES);
    }

    @Test
    void aProfileOnlyUpstreamIsFoundVerifiedStoredThroughIngestAndServed() throws Exception {
        String pubkey = upstreamProfile.pubkey();
        HttpResponse<String> r = get("/profile-pic/" + pubkey);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(avatarRow(pubkey).get("source_url")).as("the newest validly signed profile")
                .isEqualTo(origin.url("/upstream.jpg"));
        assertThat(origin.hits("/missing-forged.jpg")).isZero();
        assertThat(stack.awaitDrained(Duration.ofSeconds(30))).isTrue();
        assertThat(new EventRepository(stack.dataSource()).findCurrentJson(new ReplacementKey(pubkey, 0, "")))
                .as("stored through the profiles queue").isPresent().get().asString().contains(upstreamProfile.id());
    }

    @Test
    void batchAndFollowsJobsReportProgressToCompletion() throws Exception {
        String a = profile(origin.url("/job1.png"));
        String b = profile(origin.url("/job2.png"));
        String none = profile(null);
        String failing = profile(origin.url("/job-missing.png"));
        HttpResponse<String> started = send("POST", "/batch-cache", JSON.writeValueAsString(Map.of("pubkeys",
                List.of(a, Nip19.npub(b), none, failing, "not-a-key", a))), null);
        assertThat(started.statusCode()).isEqualTo(202);
        JsonNode job = JSON.readTree(started.body());
        assertThat(job.get("count").asInt()).isEqualTo(4);
        assertThat(job.get("invalid").toString()).isEqualTo("[\"not-a-key\"]");
        JsonNode progress = awaitJobFinished(job.get("job_id").asString());
        assertThat(progress.get("total").asInt()).isEqualTo(4);
        assertThat(progress.get("done").asInt()).isEqualTo(3);
        assertThat(progress.get("failed").asInt()).isEqualTo(1);
        assertThat(progress.get("pending").asInt()).isZero();
        assertThat(progress.get("failures").get(0).get("pubkey").asString()).isEqualTo(failing);
        assertThat(progress.get("failures").get(0).get("error").asString()).contains("HTTP 404");
        assertThat(avatarRow(a).get("status")).isEqualTo("cached");
        assertThat(avatarRow(b).get("status")).isEqualTo("cached");
        assertThat(avatarRow(none).get("status")).isEqualTo("no_picture");

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(a);
        }
        assertThat(send("POST", "/batch-cache", JSON.writeValueAsString(Map.of("pubkeys", tooMany)), null).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/batch-cache", "{not json", null).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/batch-cache", "{\"pubkeys\": []}", null).statusCode()).isEqualTo(400);
        assertThat(get("/batch-cache/00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
        assertThat(get("/batch-cache/not-a-job").statusCode()).isEqualTo(400);

        // Follows from the database: the stored contact list, cut at the limit.
        List<String> followed = List.of(profile(origin.url("/job3.png")), profile(origin.url("/job4.png")),
                profile(origin.url("/job5.png")));
        var follower = TestKeys.signer(KEYS.incrementAndGet());
        TestDatabase.storeRow(stack.dataSource(), follower.sign(1_700_000_000L, 3,
                followed.stream().map(p -> List.of("p", p)).toList(), ""));
        HttpResponse<String> follows = get("/cache-follows/" + follower.pubkey() + "?limit=2");
        assertThat(follows.statusCode()).isEqualTo(202);
        JsonNode followsJob = JSON.readTree(follows.body());
        assertThat(followsJob.get("count").asInt()).as("the real count, cut at the limit").isEqualTo(2);
        assertThat(followsJob.get("source").asString()).isEqualTo("database");
        JsonNode followsDone = awaitJobFinished(followsJob.get("job_id").asString());
        assertThat(followsDone.get("done").asInt()).isEqualTo(2);
        assertThat(followsDone.get("requested_for").asString()).isEqualTo(follower.pubkey());
        assertThat(avatarRow(followed.get(0)).get("status")).isEqualTo("cached");
        assertThat(avatarRow(followed.get(2))).as("beyond the limit").isNull();

        // Follows from upstream: three follows, one of them with a profile upstream.
        HttpResponse<String> fromUpstream = get("/cache-follows/" + upstreamContacts.pubkey());
        assertThat(fromUpstream.statusCode()).isEqualTo(202);
        JsonNode upstreamJob = JSON.readTree(fromUpstream.body());
        assertThat(upstreamJob.get("count").asInt()).isEqualTo(3);
        assertThat(upstreamJob.get("source").asString()).isEqualTo("upstream");
        assertThat(awaitJobFinished(upstreamJob.get("job_id").asString()).get("done").asInt()).isEqualTo(3);
        assertThat(avatarRow(upstreamProfile.pubkey()).get("status")).isEqualTo("cached");

        assertThat(get("/cache-follows/" + TestKeys.signer(9998).pubkey()).statusCode()).isEqualTo(404);
        assertThat(get("/cache-follows/" + follower.pubkey() + "?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("/cache-follows/nobody").statusCode()).isEqualTo(400);
    }

    @Test
    void purgesWorkWithTheAdminTokenAndOnlyWithIt() throws Exception {
        String shared = origin.url("/job6.png");
        String first = profile(shared);
        String second = profile(shared);
        String other = profile(origin.url("/job7.png"));
        for (String pubkey : List.of(first, second, other)) {
            assertThat(get("/profile-pic/" + pubkey).statusCode()).isEqualTo(302);
        }
        String sha = avatarRow(first).get("sha256");
        Set<String> pictureKeys = Set.of("originals/" + sha, "variants/" + sha + "/s.jpg", "variants/" + sha + "/m.jpg",
                "variants/" + sha + "/l.jpg");

        HttpResponse<String> anonymous = send("POST", "/purge-profile-pic/" + first, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(send("POST", "/purge-profile-pic/" + first, null, "wrong-token").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/purge-cache/all", null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/purge-cache/profile-pics", null, ADMIN_TOKEN + "x").statusCode()).isEqualTo(403);
        assertThat(avatarRow(first)).as("refused purges change nothing").isNotNull();
        assertThat(bucketKeys()).containsAll(pictureKeys);

        HttpResponse<String> purged = send("POST", "/purge-profile-pic/" + first, null, ADMIN_TOKEN);
        assertThat(purged.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(purged.body()).get("objects_deleted").asInt()).as("still used by another pubkey").isZero();
        assertThat(avatarRow(first)).isNull();
        assertThat(bucketKeys()).containsAll(pictureKeys);
        HttpResponse<String> purgedLast = send("DELETE", "/purge-profile-pic/" + Nip19.npub(second), null, ADMIN_TOKEN);
        assertThat(JSON.readTree(purgedLast.body()).get("objects_deleted").asInt()).isEqualTo(4);
        assertThat(bucketKeys()).doesNotContainAnyElementsOf(pictureKeys);
        assertThat(send("POST", "/purge-profile-pic/" + first, null, ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/purge-cache/everything", null, ADMIN_TOKEN).statusCode()).isEqualTo(400);

        HttpResponse<String> all = send("POST", "/purge-cache/profile-pics", null, ADMIN_TOKEN);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(all.body()).get("status").asString()).isEqualTo("success");
        assertThat(bucketKeys()).isEmpty();
        assertThat(avatarRow(other)).isNull();
        int hits = origin.hits("/job7.png");
        assertThat(get("/profile-pic/" + other).statusCode()).as("fetched again after the purge").isEqualTo(302);
        assertThat(origin.hits("/job7.png")).isEqualTo(hits + 1);
    }

    @Test
    void aChangedPictureIsRefreshedThroughTheAvatarQueue() throws Exception {
        var signer = TestKeys.signer(KEYS.incrementAndGet());
        Event v1 = signer.sign(1_700_000_000L, 0, List.of(), "{\"picture\":\"" + origin.url("/job8.png") + "\"}");
        stack.publisher().submit(new OutboundEvent(v1.toJson(), 0, "test", 1L, null)).join();
        await("the first picture cached", () -> avatarRow(signer.pubkey()) != null
                && "cached".equals(avatarRow(signer.pubkey()).get("status")));
        String firstSha = avatarRow(signer.pubkey()).get("sha256");
        Event v2 = signer.sign(1_700_000_100L, 0, List.of(), "{\"picture\":\"" + origin.url("/photo.jpg") + "\"}");
        stack.publisher().submit(new OutboundEvent(v2.toJson(), 0, "test", 1L, null)).join();
        await("the new picture cached", () -> origin.url("/photo.jpg").equals(avatarRow(signer.pubkey()).get("source_url")));
        assertThat(avatarRow(signer.pubkey()).get("sha256")).isNotEqualTo(firstSha);
    }

    @Test
    void aStalePictureIsServedWhileARefreshIsQueuedOnce() throws Exception {
        String pubkey = profile(origin.url("/anim.gif"));
        assertThat(get("/profile-pic/" + pubkey).statusCode()).isEqualTo(302);
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE avatars SET fetched_at = now() - interval '31 days' WHERE pubkey = decode(?, 'hex')")) {
            ps.setString(1, pubkey);
            ps.executeUpdate();
        }
        String staleAt = avatarRow(pubkey).get("fetched_at");
        int hits = origin.hits("/anim.gif");
        for (int i = 0; i < 3; i++) {
            // size l: the default size's redirect is remembered from the first request; a stale one never is
            HttpResponse<String> r = get("/profile-pic/" + pubkey + "?size=l");
            assertThat(r.statusCode()).as("served at once while stale").isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElseThrow()).contains(avatarRow(pubkey).get("sha256"));
        }
        await("the refresh", () -> !staleAt.equals(avatarRow(pubkey).get("fetched_at")));
        Thread.sleep(500);
        assertThat(origin.hits("/anim.gif")).as("one refresh for three requests").isEqualTo(hits + 1);
    }

    @Test
    void aRedirectIsRememberedBrieflyAndAPurgeForgetsIt() throws Exception {
        String pubkey = profile(origin.url("/photo.jpg"));
        HttpResponse<String> first = get("/profile-pic/" + pubkey);
        assertThat(first.statusCode()).isEqualTo(302);
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM avatars WHERE pubkey = decode(?, 'hex')")) {
            ps.setString(1, pubkey);
            ps.executeUpdate();
        }
        HttpResponse<String> remembered = get("/profile-pic/" + pubkey);
        assertThat(remembered.statusCode()).isEqualTo(302);
        assertThat(remembered.headers().firstValue("Location")).as("answered without its row")
                .isEqualTo(first.headers().firstValue("Location"));

        int hits = origin.hits("/photo.jpg");
        assertThat(send("POST", "/purge-profile-pic/" + pubkey, null, ADMIN_TOKEN).statusCode()).as("no row left to purge")
                .isEqualTo(404);
        assertThat(get("/profile-pic/" + pubkey).statusCode()).isEqualTo(302);
        assertThat(origin.hits("/photo.jpg")).as("the purge dropped the remembered redirect: fetched again").isEqualTo(hits + 1);
        assertThat(avatarRow(pubkey)).isNotNull();
    }
}
