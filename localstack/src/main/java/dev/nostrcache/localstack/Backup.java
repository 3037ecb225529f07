package dev.nostrcache.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Backup and restore with PostgreSQL's own tools: {@code pg_dump --format=custom} of the whole database, and
 * {@code pg_restore --clean} of such a file into another (or the same, emptied) database. The embedded server runs
 * PostgreSQL 15, the major of Debian's {@code postgresql-client-15}, whose tools are used from the PATH.
 */
final class Backup {
    /** Where a database is, as the PostgreSQL tools take it. */
    record Target(String host, int port, String database, String user, String password) {
        static Target of(String jdbcUrl, String user, String password) {
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            return new Target(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password);
        }
    }

    private Backup() {
    }

    static void dump(Target target, Path file, PrintStream out) throws IOException, InterruptedException {
        run(List.of("pg_dump", "--format=custom", "--no-owner", "--file=" + file.toAbsolutePath()), target, out);
    }

    /** Replaces what {@code target} holds with the dump in {@code file}. */
    static void restore(Target target, Path file, PrintStream out) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such backup file: " + file);
        }
        run(List.of("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                file.toAbsolutePath().toString()), target, out);
    }

    private static void run(List<String> tool, Target target, PrintStream out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(tool);
        command.add(1, "--host=" + target.host());
        command.add(2, "--port=" + target.port());
        command.add(3, "--username=" + target.user());
        command.add(4, "--dbname=" + target.database());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (target.password() != null) {
            builder.environment().put("PGPASSWORD", target.password());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(tool.getFirst() + " was not found: install PostgreSQL 15's client tools "
                    + "(Debian: apt-get install postgresql-client-15)", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0) {
            throw new IOException(tool.getFirst() + " failed (exit " + process.exitValue() + "): " + output.strip());
        }
        if (!output.isBlank()) {
            out.println(output.strip());
        }
    }
}
