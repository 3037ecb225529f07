package dev.nostrcache.localstack.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop WebSocket clients in a Node.js process of their own ({@code req-clients.mjs} on the {@code ws}
 * package, installed from the npm registry into a scratch directory): a measuring client outside the runtime's JVM,
 * of the kind strfry's figures were taken with, so that the JDK's WebSocket client and the benchmark's own threads
 * are not the ceiling of a figure (measured by hand here: the same REQ loop at one client, 393/s with the JDK client,
 * 972/s with {@code ws}, 320/s with Node's built-in WebSocket). Without the registry the script falls back to the
 * built-in WebSocket, and the row says so.
 */
final class NodeClients {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCRIPT = "/bench/req-clients.mjs";
    /** The version installed and measured here (npm's registry on these machines, 2026-12-02). */
    static final String WS_PACKAGE = "ws@8.23.1";

    private final Path script;
    private final List<String> command;
    private final String client;

    private NodeClients(Path script, List<String> command, String client) {
        this.script = script;
        this.command = command;
        this.client = client;
    }

    /** Which client measures: {@code ws}, or the built-in WebSocket and why. */
    String client() {
        return client;
    }

    /** Node.js from the PATH, 20.10 or later (its WebSocket); why not, when there is none. */
    static NodeClients find(Path scratch) throws IOException {
        String version;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("no Node.js on the PATH (node --version: " + e.getMessage() + ")");
        }
        String[] parts = version.replace("v", "").split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        if (major < 20 || (major == 20 && minor < 10)) {
            throw new IllegalStateException("Node.js " + version + " has no WebSocket client (20.10 or later has)");
        }
        Path script = scratch.resolve("req-clients.mjs");
        try (InputStream in = NodeClients.class.getResourceAsStream(SCRIPT)) {
            Files.write(script, in.readAllBytes());
        }
        String problem = installWs(scratch);
        // Node 22 has WebSocket on by default; 20.10-21 behind this flag.
        return new NodeClients(script, major >= 22 ? List.of("node") : List.of("node", "--experimental-websocket"),
                problem == null ? WS_PACKAGE : "Node's built-in WebSocket: " + problem);
    }

    /** Installs {@link #WS_PACKAGE} beside the script; null when it did, else what went wrong. */
    private static String installWs(Path scratch) {
        try {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                    scratch.toString(), WS_PACKAGE).redirectErrorStream(true).start();
            byte[] output = npm.getInputStream().readAllBytes();
            if (!npm.waitFor(2, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                return "npm install " + WS_PACKAGE + " took over 2 minutes";
            }
            if (npm.exitValue() != 0 || !Files.isDirectory(scratch.resolve("node_modules/ws"))) {
                String said = new String(output, StandardCharsets.UTF_8).strip();
                return "npm install " + WS_PACKAGE + " failed: " + said.substring(Math.max(0, said.length() - 200));
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return "npm install " + WS_PACKAGE + " failed: " + e.getMessage();
        }
    }

    /** {@code clients} connections, {@code perClient} exchanges each: {@code request} until a frame starting with {@code endPrefix}. */
    Latency.Stats run(URI url, int clients, int perClient, String request, String endPrefix) throws Exception {
        String arguments = JSON.writeValueAsString(Map.of("url", url.toString(), "clients", clients,
                "perClient", perClient, "request", request, "endPrefix", endPrefix));
        List<String> line = new java.util.ArrayList<>(command);
        line.add(script.toString());
        line.add(arguments);
        Process p = new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the Node.js clients did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the Node.js clients failed (exit " + p.exitValue() + ")");
        }
        JsonNode stats = JSON.readTree(output);
        return new Latency.Stats(stats.get("requests").asInt(), stats.get("seconds").asDouble(), stats.get("p50").asDouble(),
                stats.get("p99").asDouble(), stats.get("max").asDouble());
    }
}
