package dev.nostrcache.infra.avatar.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Real pictures for tests: encoded here by ImageIO, or (WebP, which ImageIO cannot write) read from fixtures. */
public final class TestImages {
    /** 1200 x 900, lossy VP8, made with cwebp from a gradient. */
    public static final String WEBP_LOSSY = "/images/gradient-1200x900-lossy.webp";
    /** 150 x 120 with transparency, lossless VP8L. */
    public static final String WEBP_LOSSLESS_ALPHA = "/images/oval-150x120-lossless-alpha.webp";

    private TestImages() {
    }

    /** A gradient picture of w x h in {@code format} (jpeg, png, gif); with {@code alpha}, a transparent corner. */
    public static byte[] encode(String format, int w, int h, boolean alpha) {
        BufferedImage image = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(20, 80, 200), w, h, new Color(250, 200, 30)));
        g.fillRect(0, 0, w, h);
        if (alpha) {
            g.setComposite(java.awt.AlphaComposite.Clear);
            g.fillRect(0, 0, w / 4, h / 4);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] encode(String format, int w, int h) {
        return encode(format, w, h, false);
    }

    public static byte[] fixture(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real 1x1 PNG whose header claims {@code side} x {@code side} pixels: a decompression bomb's shape. */
    public static byte[] bombPng(int side) {
        byte[] png = encode("png", 1, 1);
        for (int i = 0; i < 4; i++) {
            png[16 + i] = (byte) (side >>> (24 - 8 * i));
            png[20 + i] = (byte) (side >>> (24 - 8 * i));
        }
        return png;
    }

    /**
     * A real, fully decodable RGB PNG of {@code width} x {@code height} in one colour: written row by row, so a picture
     * of tens of millions of pixels compresses to a few hundred KiB without ever being held in memory here.
     */
    public static byte[] flatPng(int width, int height) {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            png.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
            chunk(png, "IHDR", header.array());
            java.io.ByteArrayOutputStream pixels = new java.io.ByteArrayOutputStream();
            try (java.util.zip.DeflaterOutputStream deflate = new java.util.zip.DeflaterOutputStream(pixels,
                    new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION))) {
                byte[] row = new byte[1 + 3 * width];  // filter byte 0, then black pixels
                for (int y = 0; y < height; y++) {
                    deflate.write(row);
                }
            }
            chunk(png, "IDAT", pixels.toByteArray());
            chunk(png, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(name);
        crc.update(data);
        png.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(name);
        png.write(data);
        png.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The decoded picture, for checking what a cache served. */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("not a picture ImageIO reads");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
