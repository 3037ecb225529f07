package dev.nostrcache.infra.avatar;

import java.util.Locale;

/** The variants every cached picture gets: the longer edge at most this many pixels, never upscaled. */
public enum AvatarSize {
    S(200),
    M(400),
    L(1000);

    /** What {@code /profile-pic} serves without {@code ?size=}: sharp at 200 CSS pixels on a 2x screen. */
    public static final AvatarSize DEFAULT = M;

    private final int maxEdge;

    AvatarSize(int maxEdge) {
        this.maxEdge = maxEdge;
    }

    public int maxEdge() {
        return maxEdge;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The size named {@code s}, {@code m} or {@code l}; null for anything else. */
    public static AvatarSize parse(String code) {
        for (AvatarSize size : values()) {
            if (size.code().equals(code)) {
                return size;
            }
        }
        return null;
    }
}
