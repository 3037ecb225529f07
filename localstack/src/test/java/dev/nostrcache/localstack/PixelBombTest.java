package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import dev.nostrcache.infra.avatar.testing.TestImages;
import dev.nostrcache.worker.testing.TestRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wall of pictures just under the pixel cap against a runtime with a small heap: every one is decoded subsampled,
 * within the shared decode budget, so all are answered and nothing runs out of memory. The runtime is a process of
 * its own with {@value #HEAP}, so that its memory is its own; the origin and the upstream relay are on loopback.
 */
class PixelBombTest {
    private static final String HEAP = "-Xmx384m";
    private static final int SIDE = 6300;  // 39.7 million pixels, under the 40 million the fetcher accepts
    private static final int PROFILES = 10;

    @TempDir
    Path dir;

    @Test
    void twentyRequestsForPicturesUnderThePixelCapCostBoundedMemoryAndTime() throws Exception {
        byte[] bomb = TestImages.flatPng(SIDE, SIDE);
        List<String> pubkeys = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        try (ImageOrigin origin = new ImageOrigin()) {
            for (int i = 0; i < PROFILES; i++) {
                origin.serve("/bomb-" + i + ".png", "image/png", bomb);
                Event profile = TestKeys.signer(300 + i).sign(1_700_000_000L, 0, List.of(),
                        "{\"name\":\"bomb " + i + "\",\"picture\":\"" + origin.url("/bomb-" + i + ".png") + "\"}");
                pubkeys.add(profile.pubkey());
                profiles.add(profile.toJson());
            }
            try (TestRelay relay = TestRelay.serving(profiles)) {
                Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [\"" + relay.url() + "\"], "
                        + "\"allow_private_origins\": true, \"relay_discovery_cap\": 0, \"backfill_days\": 0, \"listen_addr\": \"127.0.0.1:0\", "
                        + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
                try (RuntimeProcess runtime = RuntimeProcess.start(dir, List.of(HEAP));
                     HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
                     var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                    runtime.awaitUp();
                    URI api = URI.create(runtime.awaitLine(l -> l.trim().startsWith("HTTP API"), Duration.ofSeconds(5))
                            .replaceAll(".*(http://127\\.0\\.0\\.1:\\d+/).*", "$1"));
                    long started = System.nanoTime();
                    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                    for (int i = 0; i < 2 * PROFILES; i++) {
                        URI picture = api.resolve("/profile-pic/" + pubkeys.get(i % PROFILES) + "?size=l");
                        answers.add(clients.submit(() -> http.send(HttpRequest.newBuilder(picture)
                                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString())));
                    }
                    List<String> locations = new ArrayList<>();
                    for (Future<HttpResponse<String>> answer : answers) {
                        HttpResponse<String> r = answer.get(3, TimeUnit.MINUTES);
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
                        String location = r.headers().firstValue("Location").orElseThrow();
                        assertThat(location).as("a presigned URL of the cached variant, not the origin's (the runtime "
                                + "said: %s)", runtime.lines().stream().filter(l -> l.contains("avatar")).toList())
                                .doesNotStartWith(origin.url("/"));
                        locations.add(location);
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    long peakRssKib = peakRssKib(runtime.pid());
                    System.out.printf("pixel bombs: %d requests for %d pictures of %dx%d answered in %.1f s; runtime "
                            + "peak RSS %d MiB with %s%n", answers.size(), PROFILES, SIDE, SIDE, seconds, peakRssKib / 1024, HEAP);
                    var served = http.send(HttpRequest.newBuilder(URI.create(locations.getFirst())).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(served.statusCode()).isEqualTo(200);
                    var variant = TestImages.decode(served.body());
                    assertThat(List.of(variant.getWidth(), variant.getHeight())).containsExactly(1000, 1000);
                    assertThat(runtime.lines()).as("the runtime's output").noneMatch(l -> l.contains("OutOfMemoryError"));
                    assertThat(runtime.isAlive()).isTrue();
                    // A liveness bound, not a speed figure: a full-size decode each took 9-20 s and exhausted a 1 GiB heap.
                    assertThat(seconds).as("seconds for all the answers").isLessThan(120);
                    runtime.interrupt();
                }
            }
        }
    }

    /** VmHWM: the most resident memory the process has had. */
    private static long peakRssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
