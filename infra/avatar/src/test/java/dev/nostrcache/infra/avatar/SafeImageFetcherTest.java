package dev.nostrcache.infra.avatar;

import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import dev.nostrcache.infra.avatar.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fetcher against a real HTTP server on loopback (allowed only through the explicit setting). */
class SafeImageFetcherTest {
    private static ImageOrigin origin;
    private static final SafeImageFetcher.Settings LOOPBACK = new SafeImageFetcher.Settings(true, 3,
            Duration.ofSeconds(3), 1024 * 1024, 40_000_000L);

    /** A WebP (VP8L) header for w x h: enough for the type and size checks, which never decode. */
    private static byte[] webp(int w, int h) {
        byte[] b = new byte[40];
        System.arraycopy("RIFF".getBytes(StandardCharsets.ISO_8859_1), 0, b, 0, 4);
        System.arraycopy("WEBPVP8L".getBytes(StandardCharsets.ISO_8859_1), 0, b, 8, 8);
        b[20] = 0x2f;
        long bits = (w - 1L) | ((h - 1L) << 14);
        for (int i = 0; i < 4; i++) {
            b[21 + i] = (byte) (bits >> (8 * i));
        }
        return b;
    }

    @BeforeAll
    static void start() {
        origin = new ImageOrigin()
                .serve("/a.png", "image/png", TestImages.encode("png", 400, 300))
                .serve("/photo.gif", "image/jpeg", TestImages.encode("jpeg", 64, 48)) // the name and header lie; the bytes do not
                .serve("/anim", "application/octet-stream", TestImages.encode("gif", 10, 20))
                .serve("/w.webp", "image/webp", webp(300, 200))
                .serve("/logo.png", "image/png", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".getBytes())
                .serve("/page", "text/html", "<html><body>hi</body></html>".getBytes())
                .serve("/big.png", "image/png", Arrays.copyOf(TestImages.encode("png", 10, 10), 2 * 1024 * 1024))
                .serve("/bomb.png", "image/png", TestImages.bombPng(100_000))
                .redirect("/r1", "/r2")
                .redirect("/r2", "/r3")
                .redirect("/r3", "/a.png")
                .redirect("/r0", "/r1")
                .redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
                .redirect("/to-private", "http://10.0.0.1/x.png")
                .redirect("/to-file", "file:///etc/passwd")
                .trickle("/slow", 50, 200);
    }

    @AfterAll
    static void stop() {
        origin.close();
    }

    private static SafeImageFetcher.Image fetch(String path) throws Exception {
        try (SafeImageFetcher fetcher = new SafeImageFetcher(LOOPBACK)) {
            return fetcher.fetch(origin.url(path));
        }
    }

    private static void refused(String path, String reason) {
        assertThatThrownBy(() -> fetch(path)).isInstanceOf(SafeImageFetcher.RefusedException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void acceptsPicturesByTheirBytesWithTheirSize() throws Exception {
        SafeImageFetcher.Image png = fetch("/a.png");
        assertThat(png.type()).isEqualTo(ImageType.PNG);
        assertThat(png.dimensions()).isEqualTo(new ImageDimensions(400, 300));
        assertThat(fetch("/photo.gif").type()).isEqualTo(ImageType.JPEG);
        assertThat(fetch("/photo.gif").dimensions()).isEqualTo(new ImageDimensions(64, 48));
        assertThat(fetch("/anim").dimensions()).isEqualTo(new ImageDimensions(10, 20));
        assertThat(fetch("/w.webp").dimensions()).isEqualTo(new ImageDimensions(300, 200));
        SafeImageFetcher.Image redirected = fetch("/r1");
        assertThat(redirected.finalUrl().getPath()).isEqualTo("/a.png");
    }

    @Test
    void refusesWhatIsNotASafePicture() {
        refused("/logo.png", "SVG and other markup are refused");
        refused("/page", "SVG and other markup are refused");
        refused("/big.png", "larger than 1048576 bytes");
        refused("/bomb.png", "100000x100000 picture has more than 40000000 pixels");
        refused("/r0", "more than 3 redirects");
        refused("/missing", "HTTP 404");
        refused("/to-metadata", "169.254.169.254 resolves to a link-local address");
        refused("/to-private", "10.0.0.1 resolves to a private address");
        refused("/to-file", "only http and https");
    }

    @Test
    void refusesLoopbackUnlessExplicitlyAllowedAndOtherSchemes() throws Exception {
        try (SafeImageFetcher strict = new SafeImageFetcher(SafeImageFetcher.Settings.DEFAULTS)) {
            assertThatThrownBy(() -> strict.fetch(origin.url("/a.png"))).hasMessageContaining("resolves to a loopback address");
            assertThatThrownBy(() -> strict.fetch("ftp://example.com/a.png")).hasMessageContaining("only http and https");
            assertThatThrownBy(() -> strict.fetch("http://user:pw@example.com/a.png")).hasMessageContaining("plain host");
            assertThatThrownBy(() -> strict.fetch("not a url at all")).isInstanceOf(SafeImageFetcher.RefusedException.class);
            assertThatThrownBy(() -> strict.fetch("http://[::ffff:8.8.8.8]/a.png")).hasMessageContaining("IPv4-mapped");
            assertThatThrownBy(() -> strict.fetch("http://[64:ff9b::808:808]/a.png")).hasMessageContaining("IPv4-mapped");
            assertThatThrownBy(() -> strict.fetch("http://[::1]/a.png")).hasMessageContaining("loopback");
            assertThatThrownBy(() -> strict.fetch("http://[fd00:ec2::254]/latest")).hasMessageContaining("unique-local");
        }
    }

    @Test
    void oneDeadlineForTheWholeDownload() {
        long start = System.nanoTime();
        refused("/slow", "took longer than 3 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }
}
