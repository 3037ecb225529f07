package dev.nostrcache.infra.avatar;

import dev.nostrcache.infra.avatar.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageVariantsTest {

    private static Map<AvatarSize, ImageVariants.Variant> render(byte[] bytes) throws Exception {
        ImageType type = ImageType.sniff(bytes);
        return ImageVariants.render(new SafeImageFetcher.Image(bytes, type, ImageDimensions.of(bytes, type),
                URI.create("http://origin.test/x")));
    }

    private static void hasSizes(Map<AvatarSize, ImageVariants.Variant> variants, String mediaType, int[][] sizes) {
        for (AvatarSize size : AvatarSize.values()) {
            ImageVariants.Variant v = variants.get(size);
            int[] want = sizes[size.ordinal()];
            assertThat(v.mediaType()).as(size + " type").isEqualTo(mediaType);
            BufferedImage decoded = TestImages.decode(v.bytes());
            assertThat(new int[]{decoded.getWidth(), decoded.getHeight()}).as(size + " decoded size").containsExactly(want);
            assertThat(new int[]{v.width(), v.height()}).as(size + " recorded size").containsExactly(want);
        }
    }

    @Test
    void opaquePicturesBecomeJpegsFittedToEachSize() throws Exception {
        hasSizes(render(TestImages.encode("jpeg", 1600, 1200)), "image/jpeg",
                new int[][]{{200, 150}, {400, 300}, {1000, 750}});
        hasSizes(render(TestImages.encode("jpeg", 300, 2000)), "image/jpeg",
                new int[][]{{30, 200}, {60, 400}, {150, 1000}});
        hasSizes(render(TestImages.encode("gif", 300, 200)), "image/jpeg",
                new int[][]{{200, 133}, {300, 200}, {300, 200}});
    }

    @Test
    void transparencyIsKeptAsPngAndNothingIsUpscaled() throws Exception {
        Map<AvatarSize, ImageVariants.Variant> variants = render(TestImages.encode("png", 500, 300, true));
        hasSizes(variants, "image/png", new int[][]{{200, 120}, {400, 240}, {500, 300}});
        BufferedImage large = TestImages.decode(variants.get(AvatarSize.L).bytes());
        assertThat(large.getRGB(0, 0) >>> 24).as("the transparent corner stays transparent").isZero();
        assertThat(large.getRGB(499, 299) >>> 24).isEqualTo(255);
    }

    @Test
    void webpDecodesLossyAndLosslessWithAlpha() throws Exception {
        hasSizes(render(TestImages.fixture(TestImages.WEBP_LOSSY)), "image/jpeg",
                new int[][]{{200, 150}, {400, 300}, {1000, 750}});
        hasSizes(render(TestImages.fixture(TestImages.WEBP_LOSSLESS_ALPHA)), "image/png",
                new int[][]{{150, 120}, {150, 120}, {150, 120}});
    }

    @Test
    void aPictureThatDoesNotDecodeIsRefusedWithItsReason() {
        byte[] jpeg = TestImages.encode("jpeg", 64, 64);
        byte[] broken = Arrays.copyOf(jpeg, 200);
        assertThatThrownBy(() -> render(broken)).isInstanceOf(ImageVariants.UndecodableException.class)
                .hasMessageContaining("image/jpeg does not decode");
    }

    @Test
    void aPictureJustUnderThePixelCapIsDecodedSubsampledWithinTheSharedBudget() throws Exception {
        byte[] bomb = TestImages.flatPng(6300, 6300);
        SafeImageFetcher.Image image = new SafeImageFetcher.Image(bomb, ImageType.PNG, ImageDimensions.of(bomb, ImageType.PNG),
                java.net.URI.create("http://origin.example/bomb.png"));
        int subsampling = ImageVariants.subsampling(image.dimensions());
        assertThat(subsampling).isEqualTo(3);
        // Decoded at 2100 x 2100 rather than 6300 x 6300: a ninth of the memory.
        assertThat(ImageVariants.decodeCost(image, subsampling)).isEqualTo(2100L * 2100 * 12);
        assertThat(ImageVariants.decodeCost(image, 1)).isEqualTo(6300L * 6300 * 12);
        int free = ImageVariants.budgetAvailableKib();
        assertThat(free).isEqualTo(ImageVariants.BUDGET_KIB);
        try (var each = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.List<java.util.concurrent.Future<Map<AvatarSize, ImageVariants.Variant>>> renders = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                renders.add(each.submit(() -> ImageVariants.render(image)));
            }
            for (var render : renders) {
                hasSizes(render.get(), "image/jpeg", new int[][]{{200, 200}, {400, 400}, {1000, 1000}});
            }
        }
        assertThat(ImageVariants.budgetAvailableKib()).as("every decode gave its share back").isEqualTo(free);
    }

    @Test
    void aProgressiveJpegIsChargedForTheCoefficientsItsDecoderHolds() throws Exception {
        byte[] baseline = TestImages.encode("jpeg", 2400, 1200);
        assertThat(ImageDimensions.isProgressiveJpeg(baseline)).isFalse();
        byte[] progressive = baseline.clone();
        int frame = indexOf(progressive, new byte[]{(byte) 0xff, (byte) 0xc0});
        progressive[frame + 1] = (byte) 0xc2;
        assertThat(ImageDimensions.isProgressiveJpeg(progressive)).isTrue();
        ImageDimensions size = ImageDimensions.of(progressive, ImageType.JPEG);
        SafeImageFetcher.Image image = new SafeImageFetcher.Image(progressive, ImageType.JPEG, size, java.net.URI.create("http://o/p.jpg"));
        assertThat(ImageVariants.decodeCost(image, 1)).isEqualTo(2400L * 1200 * 12 + 2400L * 1200 * 6);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
