package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's Dockerfile against the build: what it copies exists, what it starts is a real main class. */
class ContainerFileTest {

    @Test
    void theWorkerImageCopiesBuiltFilesAndStartsTheWorkerMain() throws Exception {
        Path module = TestData.repoRoot().resolve("ingest-worker");
        List<String> lines = Files.readAllLines(module.resolve("Dockerfile"));
        assertThat(lines).anyMatch(l -> l.startsWith("FROM eclipse-temurin:21"));
        for (String line : lines) {
            if (line.startsWith("COPY ")) {
                Path source = module.resolve(line.split("\\s+")[1]);
                assertThat(source).as(line).exists();
            }
        }
        String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        Matcher main = Pattern.compile("\"(dev\\.nostrcache\\.[\\w.]+)\"\\]").matcher(entrypoint);
        assertThat(main.find()).isTrue();
        assertThat(Class.forName(main.group(1)).getMethod("main", String[].class)).isNotNull();
        assertThat(lines).anyMatch(l -> l.startsWith("USER ") && !l.contains("root"));
    }
}
