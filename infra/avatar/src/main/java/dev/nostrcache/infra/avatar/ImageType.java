package dev.nostrcache.infra.avatar;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The picture formats accepted, told apart by their first bytes, never by a URL or a Content-Type header. SVG is
 * refused (a script-capable document, not a picture to rasterise here), and so is everything else.
 */
public enum ImageType {
    JPEG("image/jpeg"),
    PNG("image/png"),
    GIF("image/gif"),
    WEBP("image/webp");

    private final String mediaType;

    ImageType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The type of {@code head} (the first bytes of a file), or null when it is none of the accepted ones. */
    public static ImageType sniff(byte[] head) {
        if (head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
            return JPEG;
        }
        if (head.length >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == 0x0d && head[5] == 0x0a && head[6] == 0x1a && head[7] == 0x0a) {
            return PNG;
        }
        if (head.length >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8'
                && (head[4] == '7' || head[4] == '9') && head[5] == 'a') {
            return GIF;
        }
        if (head.length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return WEBP;
        }
        return null;
    }

    /** Whether {@code head} looks like SVG or other XML/HTML markup: refused with its own reason. */
    public static boolean looksLikeMarkup(byte[] head) {
        String start = new String(head, 0, Math.min(head.length, 512), StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(Locale.ROOT);
        return start.startsWith("<") || start.contains("<svg");
    }
}
