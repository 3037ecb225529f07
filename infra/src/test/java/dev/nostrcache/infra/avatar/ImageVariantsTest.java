package dev.nostrcache.infra.avatar;

import dev.nostrcache.infra.testing.TestImages;
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
}
