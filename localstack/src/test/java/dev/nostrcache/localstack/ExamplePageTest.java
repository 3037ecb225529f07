package dev.nostrcache.localstack;

import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import dev.nostrcache.infra.avatar.testing.TestImages;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example page in headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs), against the
 * local runtime with the default fallback: an origin that fails is answered with a redirect to it.
 */
class ExamplePageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    private static Path dir;
    private static ImageOrigin origin;
    private static LocalStack stack;
    private static String withPicture;
    private static String withoutPicture;
    private static String deadOrigin;

    @BeforeAll
    static void start() throws Exception {
        origin = new ImageOrigin().serve("/me.jpg", "image/jpeg", TestImages.encode("jpeg", 800, 600));
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"allow_private_origins\": true}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
        withPicture = profile(1, origin.url("/me.jpg"));
        withoutPicture = profile(2, null);
        deadOrigin = profile(3, origin.url("/gone.jpg"));
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
        origin.close();
    }

    private static String profile(int key, String picture) throws Exception {
        var signer = TestKeys.signer(700 + key);
        String content = picture == null ? "{\"name\":\"no picture\"}" : "{\"picture\":\"" + picture + "\"}";
        TestDatabase.storeRow(stack.dataSource(), signer.sign(1_700_000_000L, 0, List.of(), content));
        return signer.pubkey();
    }

    @Test
    void aFailingOriginIsRedirectedToByDefaultBrieflyCached() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(stack.httpUrl().resolve("/profile-pic/" + deadOrigin)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).contains(origin.url("/gone.jpg"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("public, max-age=60");
    }

    @Test
    void thePageShowsCachedPicturesAndFallsBackGracefully() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium package (.ci/run installs it: apt-get install chromium)").exists();
        String url = stack.httpUrl().resolve("/profile-pic-example.html") + "?size=s&pubkeys="
                + String.join(",", Nip19.npub(withPicture), withoutPicture, deadOrigin, "not-a-key");
        Path profileDir = Files.createTempDirectory(dir, "chromium");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profileDir, "--virtual-time-budget=20000", "--dump-dom", url)
                .redirectError(dir.resolve("chromium.log").toFile()).start();
        byte[] dom = chromium.getInputStream().readAllBytes();
        assertThat(chromium.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        String html = new String(dom, StandardCharsets.UTF_8);
        assertThat(html).as("the rendered page").contains("id=\"avatars\"");
        assertThat(figure(html, Nip19.npub(withPicture))).as("a cached picture, at the small size")
                .contains("data-state=\"loaded\"").contains("data-width=\"200\"");
        assertThat(figure(html, withoutPicture)).contains("data-state=\"fallback\"").contains("src=\"data:image/svg+xml");
        assertThat(figure(html, deadOrigin)).contains("data-state=\"fallback\"");
        assertThat(figure(html, "not-a-key")).contains("data-state=\"fallback\"");
    }

    /** The opening tag and contents of the figure for {@code key} in the dumped DOM. */
    private static String figure(String html, String key) {
        Matcher m = Pattern.compile("<figure[^>]*data-key=\"" + Pattern.quote(key) + "\"[^>]*>.*?</figure>", Pattern.DOTALL)
                .matcher(html);
        assertThat(m.find()).as("a figure for " + key + " in " + html).isTrue();
        return m.group();
    }
}
