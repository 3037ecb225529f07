package dev.nostrcache.worker.dump;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON-lines dumps as {@code strfry export} or {@code nak} write them: one bare event per line. */
public final class JsonLines {
    private JsonLines() {
    }

    /**
     * Opens {@code source}: a file path, or {@code -} for standard input. Bytes that are not UTF-8 become U+FFFD,
     * which then fails the id check of that line only, instead of aborting the whole read.
     */
    public static BufferedReader open(String source, InputStream stdin) throws IOException {
        InputStream in = "-".equals(source) ? stdin : Files.newInputStream(Path.of(source));
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
    }
}
