package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./run.sh}'s JVM flags, read off a stand-in JDK whose {@code java} prints the command line it is given: a copy
 * of the script beside an already built tree (so it builds nothing) and {@code JAVA_HOME} pointing at the stand-in.
 */
class RunScriptTest {
    @TempDir
    Path dir;

    @Test
    void theHeapStartsAtItsCap() throws Exception {
        List<String> flags = javaCommandLine("");
        assertThat(flags).contains("-Xms768m", "-Xmx768m");
        assertThat(flags.indexOf("-Xms768m")).isLessThan(flags.indexOf("dev.nostrcache.localstack.Main"));
    }

    @Test
    void optionsThatSizeTheHeapKeepTheInitialSizeToThemselves() throws Exception {
        // -Xms768m beside a smaller -Xmx would keep the JVM from starting.
        List<String> smaller = javaCommandLine("-Xmx512m");
        assertThat(smaller).doesNotContain("-Xms768m");
        assertThat(smaller.lastIndexOf("-Xmx512m")).as("the operator's -Xmx comes last, so it wins")
                .isGreaterThan(smaller.indexOf("-Xmx768m"));
        assertThat(javaCommandLine("-Dsome.flag=1 -Xms1g")).contains("-Xms1g").doesNotContain("-Xms768m");
        assertThat(javaCommandLine("-Dsome.flag=1")).contains("-Xms768m", "-Dsome.flag=1");
    }

    /** What {@code ./run.sh start} hands {@code java}, one argument per element. */
    private List<String> javaCommandLine(String javaOptions) throws Exception {
        Path jdk = dir.resolve("jdk/bin");
        Files.createDirectories(jdk);
        executable(jdk.resolve("javac"), "#!/bin/sh\nexit 0\n");
        executable(jdk.resolve("java"), """
                #!/bin/sh
                if [ "$1" = "-XshowSettings:properties" ]; then echo "    java.specification.version = 25" >&2; exit 0; fi
                printf '%s\\n' "$@"
                """);
        Path tree = dir.resolve("tree");
        for (String built : List.of("localstack/target/localstack-0.1.0-SNAPSHOT.jar", "localstack/target/classpath.txt",
                "localstack/bench/target/localstack-bench-0.1.0-SNAPSHOT.jar", "localstack/bench/target/classpath.txt",
                "localstack/target/.run-sh-build")) {
            Files.createDirectories(tree.resolve(built).getParent());
            Files.writeString(tree.resolve(built), "");
        }
        Files.copy(TestData.repoRoot().resolve("run.sh"), tree.resolve("run.sh"), StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder run = new ProcessBuilder("bash", tree.resolve("run.sh").toString(), "start").redirectErrorStream(true);
        run.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        run.environment().put("NOSTR_CACHE_JAVA_OPTS", javaOptions);
        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
