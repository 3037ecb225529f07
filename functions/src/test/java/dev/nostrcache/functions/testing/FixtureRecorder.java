package dev.nostrcache.functions.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What stands on loopback for the two AWS endpoints the fixtures make functions call back: CloudFormation's presigned
 * response URL ({@code PUT /cloudformation}) and API Gateway's management API ({@code POST /<stage>/@connections/<id>}),
 * recording what they receive.
 */
public final class FixtureRecorder implements AutoCloseable {
    private final HttpServer server;
    private final BlockingQueue<String> cloudFormation = new LinkedBlockingQueue<>();
    private final Map<String, List<String>> posts = new ConcurrentHashMap<>();

    public FixtureRecorder() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/cloudformation", exchange -> {
            cloudFormation.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            int at = path.indexOf("/@connections/");
            if (at < 0 || !exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            String id = URLDecoder.decode(path.substring(at + "/@connections/".length()), StandardCharsets.UTF_8);
            posts.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                    .add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The substitutions the fixtures name: where CloudFormation's answer goes. */
    public Map<String, String> substitutions() {
        return Map.of("RESPONSE_URL", base() + "/cloudformation?X-Amz-Signature=fixture");
    }

    /** The management API endpoint functions answer WebSocket clients through ({@code MANAGEMENT_API_ENDPOINT}). */
    public String managementEndpoint() {
        return base() + "/production";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String awaitCloudFormation() {
        try {
            return cloudFormation.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean awaitPost(String connectionId, String prefix) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (posts.getOrDefault(connectionId, List.of()).stream().anyMatch(p -> p.startsWith(prefix))) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
