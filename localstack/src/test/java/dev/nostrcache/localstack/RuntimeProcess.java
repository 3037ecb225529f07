package dev.nostrcache.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The launcher as a real process of its own (this test classpath, the working directory {@code dir}), what it prints
 * collected line by line; closing it kills it if it still runs.
 */
final class RuntimeProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private RuntimeProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output ended: " + e + ")");
            }
        }, "runtime-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code ./run.sh ARGS} in {@code dir}, with {@code jvmOptions} before the class. */
    static RuntimeProcess start(Path dir, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        // A suite started in the background (`.ci/run &`) inherits SIGINT ignored, and a JVM keeps an ignored SIGINT
        // ignored: Ctrl-C would then never reach the runtime. GNU env gives it back its default disposition.
        command.addAll(List.of("env", "--default-signal=INT"));
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // The runtime's own logging, as ./run.sh has it, not the tests' quieter one.
        command.add("-Dlogback.configurationFile=" + dev.nostrcache.core.testing.TestData.repoRoot()
                .resolve("localstack/src/main/resources/logback.xml"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new RuntimeProcess(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start());
    }

    /** Waits for the first line that matches and returns it. */
    String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (matches.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && !reader.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such line within " + timeout + "; the process printed:\n" + String.join("\n", lines));
    }

    /** Waits until the runtime says it is up. */
    void awaitUp() throws InterruptedException {
        awaitLine(l -> l.startsWith("Press Ctrl-C"), Duration.ofSeconds(120));
    }

    /** Ctrl-C, then waits for the process and its output to end. */
    void interrupt() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the runtime did not stop within a minute after Ctrl-C; its threads:\n"
                    + threadDump() + "\nits last lines:\n" + String.join("\n", lastLines(40)));
        }
        reader.join(5_000);
    }

    /** What {@code jcmd Thread.print} says of the runtime, so that a hang names the thread it waits on. */
    private String threadDump() {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(30, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    private List<String> lastLines(int count) {
        List<String> all = List.copyOf(lines);
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
