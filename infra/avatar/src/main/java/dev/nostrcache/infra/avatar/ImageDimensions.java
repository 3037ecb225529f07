package dev.nostrcache.infra.avatar;

import java.nio.charset.StandardCharsets;

/** Width and height read from an image's header, before anything decodes it (the decompression-bomb guard). */
public record ImageDimensions(int width, int height) {

    public long pixels() {
        return (long) width * height;
    }

    /** The dimensions in {@code bytes} of {@code type}, or null when the header cannot be read. */
    public static ImageDimensions of(byte[] b, ImageType type) {
        try {
            return switch (type) {
                case PNG -> b.length >= 24 ? new ImageDimensions(be32(b, 16), be32(b, 20)) : null;
                case GIF -> b.length >= 10 ? new ImageDimensions(le16(b, 6), le16(b, 8)) : null;
                case WEBP -> webp(b);
                case JPEG -> jpeg(b);
            };
        } catch (ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static ImageDimensions jpeg(byte[] b) {
        int frame = startOfFrame(b);
        return frame < 0 ? null : new ImageDimensions(((b[frame + 7] & 0xff) << 8) | (b[frame + 8] & 0xff),
                ((b[frame + 5] & 0xff) << 8) | (b[frame + 6] & 0xff));
    }

    /**
     * Whether a JPEG is progressive (SOF2, 6, 10 or 14): its decoder holds every coefficient of the whole picture
     * at once, whatever size it is read at.
     */
    public static boolean isProgressiveJpeg(byte[] b) {
        try {
            int frame = startOfFrame(b);
            return frame >= 0 && ((b[frame + 1] & 0xff) - 0xc0) % 4 == 2;
        } catch (ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Where the JPEG's start-of-frame segment begins, or -1. */
    private static int startOfFrame(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                return -1;
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) {
                i++;
                continue;
            }
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
                return i;
            }
            i += 2 + length;
        }
        return -1;
    }

    private static ImageDimensions webp(byte[] b) {
        if (b.length < 30) {
            return null;
        }
        String chunk = new String(b, 12, 4, StandardCharsets.ISO_8859_1);
        return switch (chunk) {
            case "VP8 " -> new ImageDimensions(le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
            case "VP8L" -> new ImageDimensions(1 + ((b[21] & 0xff) | ((b[22] & 0x3f) << 8)),
                    1 + (((b[22] & 0xff) >> 6) | ((b[23] & 0xff) << 2) | ((b[24] & 0x0f) << 10)));
            case "VP8X" -> new ImageDimensions(1 + le24(b, 24), 1 + le24(b, 27));
            default -> null;
        };
    }

    private static int be32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
    }

    private static int le24(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) | ((b[i + 2] & 0xff) << 16);
    }
}
