package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda artifact ({@code functions/target/functions-<version>-aws.jar}) run as Lambda runs it: a fresh JVM with
 * only that jar (and {@link FreshLambda}, standing for Lambda's runtime client) on its class path, the function's
 * environment as real environment variables, and events handed to FunctionInvoker.
 */
public final class LambdaProcess {
    /** One invocation: its function, the handler's making and the invocation in ms, JVM uptime after it, the answer. */
    public record Invocation(String function, long initMillis, long invokeMillis, long uptimeMillis, byte[] output) {
    }

    private LambdaProcess() {
    }

    /** The Lambda artifact the template deploys. */
    public static Path artifact() {
        Path jar = TestData.repoRoot().resolve("functions/target/functions-0.1.0-SNAPSHOT-aws.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: 'mvn package' builds it");
        }
        return jar;
    }

    /** Milliseconds a fresh JVM with the same flags and class path takes to start, run nothing and exit. */
    public static long bareJvmMillis(Path jar) throws IOException, InterruptedException {
        long started = System.nanoTime();
        run(jar, Map.of(), Map.of(), 60);
        return (System.nanoTime() - started) / 1_000_000;
    }

    /**
     * Runs {@code events} (function name to event JSON, in order) in one fresh JVM on {@code jar} with
     * {@code environment}; fails with the process's output when it does not finish cleanly within {@code timeout}.
     */
    public static List<Invocation> run(Path jar, Map<String, String> environment, Map<String, String> events,
                                       long timeoutSeconds) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("fresh-lambda");
        try {
            return runIn(scratch, jar, environment, events, timeoutSeconds);
        } finally {
            // What failed is in the exception's message (the process's output); nothing is kept.
            ScratchTree.delete(scratch);
        }
    }

    private static List<Invocation> runIn(Path scratch, Path jar, Map<String, String> environment,
                                          Map<String, String> events, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path classes = scratch.resolve("runtime");
        Path runner = classes.resolve(FreshLambda.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(runner.getParent());
        try (InputStream bytes = FreshLambda.class.getResourceAsStream(FreshLambda.class.getSimpleName() + ".class")) {
            Files.copy(bytes, runner);
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", jar + ":" + classes, FreshLambda.class.getName()));
        int n = 0;
        for (Map.Entry<String, String> e : events.entrySet()) {
            Path file = scratch.resolve((n++) + "-" + e.getKey() + ".json");
            Files.writeString(file, e.getValue());
            command.add(e.getKey());
            command.add(file.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("output.log").toFile());
        // A Lambda's environment holds what the template sets and the runtime's own variables; nothing of this JVM's.
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("PATH", "/usr/bin:/bin");
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the fresh Lambda JVM did not finish within " + timeoutSeconds + " s:\n"
                    + Files.readString(scratch.resolve("output.log")));
        }
        String output = Files.readString(scratch.resolve("output.log"), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the fresh Lambda JVM failed (exit " + process.exitValue() + "):\n" + output);
        }
        Map<String, Invocation> byFunction = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 6 && f[0].equals("INVOKED")) {
                byFunction.put(f[1], new Invocation(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Base64.getDecoder().decode(f[5])));
            }
        }
        if (byFunction.size() != events.size()) {
            throw new IllegalStateException("the fresh Lambda JVM answered " + byFunction.keySet() + " of "
                    + events.keySet() + ":\n" + output);
        }
        return List.copyOf(byFunction.values());
    }
}
