package dev.nostrcache.infra.avatar;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
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
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns a fetched picture into the {@link AvatarSize} variants, each in a format every browser shows: JPEG
 * (quality 0.85) for opaque pictures, PNG for pictures with transparency. WebP decodes through the TwelveMonkeys
 * ImageIO plugin; an animated GIF or WebP gives its first frame. Downscaling halves step by step before the last
 * bilinear step, which keeps thin lines (Java2D's single-step bilinear skips pixels at large ratios).
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

    static {
        ImageIO.setUseCache(false);
    }

    private ImageVariants() {
    }

    public static Map<AvatarSize, Variant> render(SafeImageFetcher.Image image) throws UndecodableException {
        BufferedImage source = decode(image);
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

    private static BufferedImage decode(SafeImageFetcher.Image image) throws UndecodableException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image.bytes()))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UndecodableException("no decoder for " + image.type().mediaType());
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return reader.read(0);
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
                g.setColor(java.awt.Color.WHITE);
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
            throw new java.io.UncheckedIOException("encoding into memory failed", e);
        }
    }
}
