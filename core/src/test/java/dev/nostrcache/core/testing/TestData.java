package dev.nostrcache.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates the shared Nostr conformance data ({@code ../shared/testdata/nostr} beside the repository). */
public final class TestData {
    private TestData() {
    }

    public static Path repoRoot() {
        String configured = System.getProperty("nostrcache.repoRoot");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("core"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + start);
    }

    public static Path nostr(String file) {
        Path path = repoRoot().resolveSibling("shared").resolve("testdata/nostr").resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("shared test data missing: " + path
                    + " (the shared/ folder must sit beside the repository checkout)");
        }
        return path;
    }

    public static List<String> lines(String file) {
        try {
            return Files.readAllLines(nostr(file)).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
