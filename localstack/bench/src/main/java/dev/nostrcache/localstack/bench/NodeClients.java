package dev.nostrcache.localstack.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop WebSocket clients in a Node.js process of their own ({@code req-clients.mjs} on the {@code ws}
 * package, installed from the npm registry into a scratch directory): a measuring client outside the runtime's JVM,
 * of the kind strfry's figures were taken with, so that the JDK's WebSocket client and the benchmark's own threads
 * are not the ceiling of a figure (measured by hand here: the same REQ loop at one client, 393/s with the JDK client,
 * 972/s with {@code ws}, 320/s with Node's built-in WebSocket). Without the registry the script falls back to the
 * built-in WebSocket, and the row says so; without a Node.js that has one, the rows say why nothing was measured.
 */
final class NodeClients {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCRIPT = "/bench/req-clients.mjs";
    /** The version installed and measured here (npm's registry on these machines, 2026-12-02). */
    static final String WS_PACKAGE = "ws@8.23.1";

    private final Path scratch;
    private final List<String> command;
    private final String client;
    private final String unavailable;

    private NodeClients(Path scratch, List<String> command, String client, String unavailable) {
        this.scratch = scratch;
        this.command = command;
        this.client = client;
        this.unavailable = unavailable;
    }

    /** Which client measures ({@code ws}, or the built-in WebSocket and why), or "none". */
    String client() {
        return client;
    }

    /** Why nothing can be measured, or null when the clients can run. */
    String unavailable() {
        return unavailable;
    }

    /** Node.js from the PATH, 20.10 or later (its WebSocket), with the script and {@code ws} in {@code scratch}. */
    static NodeClients find(Path scratch) throws IOException {
        Run version = runIn(scratch, List.of("node", "--version"), Duration.ofSeconds(30));
        if (version.exit() != 0) {
            return new NodeClients(scratch, List.of(), "none", "no Node.js on the PATH (" + version.output() + ")");
        }
        String[] parts = version.output().replace("v", "").split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        if (major < 20 || (major == 20 && minor < 10)) {
            return new NodeClients(scratch, List.of(), "none",
                    "Node.js " + version.output() + " has no WebSocket client (20.10 or later has)");
        }
        try (InputStream in = NodeClients.class.getResourceAsStream(SCRIPT)) {
            Files.write(scratch.resolve("req-clients.mjs"), in.readAllBytes());
        }
        Run npm = runIn(scratch, List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                scratch.toString(), WS_PACKAGE), Duration.ofMinutes(2));
        boolean installed = npm.exit() == 0 && Files.isDirectory(scratch.resolve("node_modules/ws"));
        String said = npm.output();
        // Node 22 has WebSocket on by default; 20.10-21 behind this flag.
        return new NodeClients(scratch, major >= 22 ? List.of("node") : List.of("node", "--experimental-websocket"),
                installed ? WS_PACKAGE : "Node's built-in WebSocket: npm install " + WS_PACKAGE + " failed: "
                        + said.substring(Math.max(0, said.length() - 200)), null);
    }

    /**
     * {@code clients} connections, {@code perClient} exchanges each: {@code request} until a frame starting with
     * {@code endPrefix}; each connection first sends {@code opening} (unless null) and waits for {@code openingEnd},
     * then makes {@link Latency#untimedPerConnection} exchanges, untimed.
     */
    Latency.Stats run(URI url, int clients, int perClient, String request, String endPrefix, String opening,
                      String openingEnd) throws IOException {
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        List<String> line = new ArrayList<>(command);
        line.add(scratch.resolve("req-clients.mjs").toString());
        Map<String, Object> arguments = new LinkedHashMap<>(Map.of("url", url.toString(), "clients", clients,
                "perClient", perClient, "request", request, "endPrefix", endPrefix, "warmUp", Latency.untimedPerConnection(clients)));
        if (opening != null) {
            arguments.put("opening", opening);
            arguments.put("openingEnd", openingEnd);
        }
        line.add(JSON.writeValueAsString(arguments));
        Run run = runIn(scratch, line, Duration.ofMinutes(5));
        if (run.exit() != 0) {
            throw new IllegalStateException("the Node.js clients failed (exit " + run.exit() + "): " + run.output());
        }
        // The last line: Node may print warnings before it (the built-in WebSocket's "experimental" on Node 20).
        String[] lines = run.output().split("\n");
        JsonNode stats = JSON.readTree(lines[lines.length - 1]);
        return new Latency.Stats(stats.get("requests").asInt(), stats.get("seconds").asDouble(), stats.get("p50").asDouble(),
                stats.get("p99").asDouble(), stats.get("max").asDouble());
    }

    /** What a command printed (standard output and error together) and its exit code; -1 when it did not finish. */
    private record Run(int exit, String output) {
    }

    /** Runs {@code command} with its output in a file, so that the time limit holds however much it prints. */
    private static Run runIn(Path scratch, List<String> command, Duration limit) throws IOException {
        Path output = Files.createTempFile(scratch, "out", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Run(-1, String.join(" ", command.subList(0, 1)) + " did not finish within " + limit);
            }
            return new Run(p.exitValue(), Files.readString(output).strip());
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
