package dev.nostrcache.infra.avatar;

import java.awt.Color;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Turns a fetched picture into the {@link AvatarSize} variants, each in a format every browser shows: JPEG
 * (quality 0.85) for opaque pictures, PNG for pictures with transparency. WebP decodes through the TwelveMonkeys
 * ImageIO plugin; an animated GIF or WebP gives its first frame. Downscaling halves step by step before the last
 * bilinear step, which keeps thin lines (Java2D's single-step bilinear skips pixels at large ratios).
 *
 * <p>Memory and time are bounded, so that a wall of pictures just under the pixel cap can neither exhaust the heap
 * nor starve everything else. A large picture is decoded subsampled, straight to about twice the largest variant's
 * edge ({@value #DECODED_EDGE} px on its longer side), never at full size. Every decode takes its estimated memory
 * from one budget shared by the whole process (a fifth of the heap) before it starts, waiting while others hold it:
 * the decoded pixels and their scaled copies, plus what the decoder holds at full size where it cannot subsample (the
 * coefficients of a progressive JPEG, a WebP's whole frame). And no more decodes run at once than there are
 * processors: a decode is all CPU, and more at once only makes every one of them, and the downloads beside them,
 * slower.
 */
public final class ImageVariants {

    /** One rendered variant. */
    public record Variant(AvatarSize size, byte[] bytes, String mediaType, String extension, int width, int height) {
    }

    /** Thrown when the bytes passed the header checks but do not decode. */
    public static final class UndecodableException extends Exception {
        public UndecodableException(String message) {
            super(message, null, false, false);
        }
    }

    /** The longer edge pictures are decoded at (at most): twice the largest variant's, for the halving steps. */
    static final int DECODED_EDGE = 2 * 1000;
    /** The shared decode budget in KiB (so that a permit count fits an int): a fifth of the heap. */
    static final int BUDGET_KIB = (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 5 / 1024);
    private static final Semaphore BUDGET = new Semaphore(BUDGET_KIB, true);
    private static final Semaphore DECODERS = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()), true);

    static {
        ImageIO.setUseCache(false);
    }

    private ImageVariants() {
    }

    public static Map<AvatarSize, Variant> render(SafeImageFetcher.Image image) throws UndecodableException {
        int subsampling = subsampling(image.dimensions());
        int permits = (int) Math.min(BUDGET_KIB, decodeCost(image, subsampling) / 1024 + 1);
        DECODERS.acquireUninterruptibly();
        BUDGET.acquireUninterruptibly(permits);
        try {
            return render(decode(image, subsampling));
        } finally {
            BUDGET.release(permits);
            DECODERS.release();
        }
    }

    /** KiB of the shared decode budget free now (tests). */
    static int budgetAvailableKib() {
        return BUDGET.availablePermits();
    }

    /** Every {@code n}th pixel of every {@code n}th row: the decoded picture's longer edge is at most about {@link #DECODED_EDGE}. */
    static int subsampling(ImageDimensions dimensions) {
        return Math.max(1, Math.max(dimensions.width(), dimensions.height()) / DECODED_EDGE);
    }

    /**
     * The memory a decode holds at its peak, estimated: the decoded pixels (4 bytes each) three times over (the
     * decoded picture, its RGB copy, the halving steps), plus a progressive JPEG's coefficients (two bytes for each
     * of three components of every source pixel) or a WebP frame at full size, which their decoders hold whatever
     * size is asked for.
     */
    static long decodeCost(SafeImageFetcher.Image image, int subsampling) {
        ImageDimensions d = image.dimensions();
        long decoded = (long) ceilDiv(d.width(), subsampling) * ceilDiv(d.height(), subsampling);
        long cost = decoded * 4 * 3;
        if (image.type() == ImageType.JPEG && ImageDimensions.isProgressiveJpeg(image.bytes())) {
            cost += d.pixels() * 6;
        } else if (image.type() == ImageType.WEBP) {
            cost += d.pixels() * 4;
        }
        return cost;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static Map<AvatarSize, Variant> render(BufferedImage source) {
        boolean alpha = source.getColorModel().getTransparency() != Transparency.OPAQUE;
        Map<AvatarSize, Variant> variants = new EnumMap<>(AvatarSize.class);
        BufferedImage previous = toRgb(source, alpha);
        // Largest first, each from the one before: less work, and never upscaled.
        for (AvatarSize size : new AvatarSize[]{AvatarSize.L, AvatarSize.M, AvatarSize.S}) {
            previous = scaleToFit(previous, size.maxEdge(), alpha);
            variants.put(size, encode(size, previous, alpha));
        }
        return variants;
    }

    private static BufferedImage decode(SafeImageFetcher.Image image, int subsampling) throws UndecodableException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image.bytes()))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UndecodableException("no decoder for " + image.type().mediaType());
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new UndecodableException("the " + image.type().mediaType() + " does not decode: " + e.getMessage());
        }
    }

    private static BufferedImage toRgb(BufferedImage image, boolean alpha) {
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (image.getType() == type) {
            return image;
        }
        return draw(image, image.getWidth(), image.getHeight(), type);
    }

    private static BufferedImage scaleToFit(BufferedImage image, int maxEdge, boolean alpha) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (Math.max(w, h) <= maxEdge) {
            return image;
        }
        double scale = (double) maxEdge / Math.max(w, h);
        int targetW = Math.max(1, (int) Math.round(w * scale));
        int targetH = Math.max(1, (int) Math.round(h * scale));
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage current = image;
        while (current.getWidth() / 2 >= targetW && current.getHeight() / 2 >= targetH) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2, type);
        }
        return current.getWidth() == targetW && current.getHeight() == targetH ? current
                : draw(current, targetW, targetH, type);
    }

    private static BufferedImage draw(BufferedImage image, int w, int h, int type) {
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (type == BufferedImage.TYPE_INT_RGB) {
                // A transparent pixel in an opaque-looking source becomes white, not black.
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, w, h);
            }
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static Variant encode(AvatarSize size, BufferedImage image, boolean alpha) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (alpha) {
                ImageIO.write(image, "png", bytes);
                return new Variant(size, bytes.toByteArray(), "image/png", "png", image.getWidth(), image.getHeight());
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.85f);
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return new Variant(size, bytes.toByteArray(), "image/jpeg", "jpg", image.getWidth(), image.getHeight());
        } catch (IOException e) {
            throw new UncheckedIOException("encoding into memory failed", e);
        }
    }
}
