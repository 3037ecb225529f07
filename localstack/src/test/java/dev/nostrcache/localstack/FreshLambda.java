package dev.nostrcache.localstack;

import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * What Lambda's Java runtime does in a new execution environment, reduced to its calls: make the handler
 * (FunctionInvoker, which starts the Spring context) and hand it events as streams. Runs in a fresh JVM whose class
 * path is the Lambda artifact and this one class ({@link LambdaProcess} starts it), so a class the artifact lacks
 * fails here as it would on AWS. Prints one line per invocation: function, milliseconds to make the handler,
 * milliseconds of the invocation, the JVM's uptime at its end, and the answer in Base64.
 */
public final class FreshLambda {
    private FreshLambda() {
    }

    /** Arguments: pairs of function name and event file. */
    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            long started = System.nanoTime();
            FunctionInvoker handler = new FunctionInvoker(args[i]);
            long made = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream event = Files.newInputStream(Path.of(args[i + 1]))) {
                handler.handleRequest(event, out, null);
            }
            long done = System.nanoTime();
            System.out.println("INVOKED\t" + args[i] + "\t" + (made - started) / 1_000_000 + "\t" + (done - made) / 1_000_000
                    + "\t" + ManagementFactory.getRuntimeMXBean().getUptime() + "\t"
                    + Base64.getEncoder().encodeToString(out.toByteArray()));
        }
    }
}
