package dev.nostrcache.localstack.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The processes of the PostgreSQL server of one data directory: its postmaster first (whose reaped children
 * {@link LoopProfile} reads), then its children (backends, workers).
 */
final class PostgresProcesses {
    private PostgresProcesses() {
    }

    static List<Long> of(Path dataDirectory) {
        String directory = dataDirectory.toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(directory)).orElse(false)
                        && p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                .flatMap(postmaster -> Stream.concat(Stream.of(postmaster), postmaster.children()))
                .map(ProcessHandle::pid)
                .toList();
    }
}
