package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * moto's server (a third-party emulator of SQS, S3 and the API Gateway management API, in the machine image) on a free
 * loopback port, for the tests that check the runtime against an emulator nobody here wrote. Its queues and bucket
 * are made by the very hook LocalStack users run ({@code localstack/init/ready.d}), with {@code awslocal} pointed at
 * it, so the two cannot drift.
 */
final class MotoServer implements AutoCloseable {
    private final Process process;
    private final URI endpoint;
    private final Path scratch;

    private MotoServer(Process process, URI endpoint, Path scratch) {
        this.process = process;
        this.endpoint = endpoint;
        this.scratch = scratch;
    }

    static MotoServer start() throws Exception {
        int port = FreePort.find();
        Path scratch = Files.createTempDirectory("moto");
        Process process;
        try {
            process = new ProcessBuilder("moto_server", "-H", LocalAws.HOST, "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(scratch.resolve("moto.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("moto_server is not on the PATH; the machine image has it (Python's moto 5 "
                    + "with its server extra: pip install 'moto[server]')", e);
        }
        MotoServer moto = new MotoServer(process, URI.create("http://" + LocalAws.HOST + ":" + port), scratch);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(scratch.resolve("moto.log"));
                moto.close();
                throw new IllegalStateException("moto_server did not start: " + log);
            }
            Thread.sleep(100);
        }
        return moto;
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalAws.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** Runs LocalStack's init hook against this server: the queues and bucket of {@code stackName}. */
    String createStack(String stackName) throws Exception {
        Path shims = Files.createDirectories(scratch.resolve("bin"));
        Path awslocal = shims.resolve("awslocal");
        Files.writeString(awslocal, "#!/bin/sh\nexec aws --endpoint-url \"$MOTO_ENDPOINT\" --region " + LocalAws.REGION
                + " \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(awslocal, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder hook = new ProcessBuilder("sh", TestData.repoRoot().resolve("localstack/init/ready.d/10-nostr-cache.sh")
                .toString()).redirectErrorStream(true);
        Map<String, String> env = hook.environment();
        env.put("PATH", shims + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("MOTO_ENDPOINT", endpoint.toString());
        env.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY);
        env.put("NOSTR_CACHE_STACK_NAME", stackName);
        Process run = hook.start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!run.waitFor(5, TimeUnit.MINUTES) || run.exitValue() != 0) {
            throw new IllegalStateException("the init hook failed against moto:\n" + output);
        }
        return output;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        ScratchTree.delete(scratch);
    }
}
