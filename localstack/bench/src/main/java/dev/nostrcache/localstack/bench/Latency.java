package dev.nostrcache.localstack.bench;

import dev.nostrcache.localstack.FrameQueue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/** Closed-loop latency: each client sends a request, waits for its answer, and sends the next. */
final class Latency {

    /** What a run measured: requests answered, wall time, and the latency distribution in milliseconds. */
    record Stats(int requests, double seconds, double p50, double p99, double max) {
        double rate() {
            return requests / seconds;
        }

        String summary() {
            return String.format("%,.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms", rate(), p50, p99, max);
        }
    }

    /** One request of a client: sends on the socket, returns when its answer is complete. */
    interface Exchange {
        void run(Client client, int sequence) throws Exception;
    }

    private Latency() {
    }

    /**
     * What a client times, and what it sends once after connecting before its timed exchanges (null: nothing), as
     * Primal's clients negotiate the protocol once per connection.
     */
    record Op(Exchange opening, Exchange timed) {
        static Op of(Exchange timed) {
            return new Op(null, timed);
        }
    }

    /** {@code clients} WebSocket clients, each opened by the op's opening, then {@code perClient} timed exchanges each, all at once. */
    static Stats webSocket(URI url, int clients, int perClient, Op op) throws Exception {
        List<Client> connected = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client client = new Client(url);
            connected.add(client);
            if (op.opening() != null) {
                op.opening().run(client, 0);
            }
        }
        try {
            long[][] samples = new long[clients][perClient];
            long started = System.nanoTime();
            runClients(clients, client -> {
                for (int i = 0; i < perClient; i++) {
                    long t = System.nanoTime();
                    op.timed().run(connected.get(client), i);
                    samples[client][i] = System.nanoTime() - t;
                }
            });
            return stats(samples, System.nanoTime() - started);
        } finally {
            connected.forEach(Client::close);
        }
    }

    /**
     * One WebSocket publishing {@code events} with up to {@code window} of them in flight, each {@code OK} awaited;
     * the latency of each is from its send to its {@code OK}. A refusal ends the run with its reason.
     */
    static Stats publish(URI url, List<String> events, int window) throws Exception {
        Client client = new Client(url);
        try {
            java.util.Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(window);
            long[][] samples = new long[1][events.size()];
            AtomicReference<String> refused = new AtomicReference<>();
            long started = System.nanoTime();
            Thread reader = Thread.startVirtualThread(() -> {
                for (int answered = 0; answered < events.size() && refused.get() == null; ) {
                    String m;
                    try {
                        m = client.frames.texts.poll(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (m == null) {
                        refused.set("no OK within 30 s after " + answered + " of " + events.size());
                    } else if (m.startsWith("[\"OK\"")) {
                        if (!m.contains("\",true,")) {
                            refused.set(m);
                        }
                        Long at = sentAt.remove(m.substring(7, 71));
                        samples[0][answered++] = at == null ? 0 : System.nanoTime() - at;
                        inFlight.release();
                    }
                }
                inFlight.release(window);
            });
            for (String json : events) {
                inFlight.acquire();
                if (refused.get() != null) {
                    break;
                }
                sentAt.put(json.substring(7, 71), System.nanoTime());
                client.socket.sendText("[\"EVENT\"," + json + "]", true).join();
            }
            reader.join();
            if (refused.get() != null) {
                throw new IllegalStateException("publishing stopped: " + refused.get());
            }
            return stats(samples, System.nanoTime() - started);
        } finally {
            client.close();
        }
    }

    /** {@code clients} keep-alive HTTP/1.1 connections ({@link KeepAliveGet}), {@code perClient} GETs each, all at once. */
    static Stats http(URI url, int clients, int perClient, int expectedStatus) throws Exception {
        long[][] samples = new long[clients][perClient];
        long started = System.nanoTime();
        runClients(clients, client -> {
            try (KeepAliveGet connection = new KeepAliveGet(url)) {
                for (int i = 0; i < perClient; i++) {
                    long t = System.nanoTime();
                    int status = connection.get();
                    if (status != expectedStatus) {
                        throw new IllegalStateException(url + " answered " + status);
                    }
                    samples[client][i] = System.nanoTime() - t;
                }
            }
        });
        return stats(samples, System.nanoTime() - started);
    }

    /** One client's loop, given its number. */
    private interface ClientLoop {
        void run(int client) throws Exception;
    }

    /** Runs every client's loop on a virtual thread of its own; the first failure fails the measurement. */
    private static void runClients(int clients, ClientLoop loop) throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.startVirtualThread(() -> {
                try {
                    loop.run(client);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a client failed: " + failure.get(), failure.get());
        }
    }

    private static Stats stats(long[][] samples, long wallNanos) {
        long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Stats(all.length, wallNanos / 1e9, all[(int) (all.length * 0.50)] / 1e6,
                all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6, all[all.length - 1] / 1e6);
    }

    /** A WebSocket client that hands over what arrives, in order. */
    static final class Client {
        private final FrameQueue frames = new FrameQueue();
        private final WebSocket socket;

        Client(URI url) {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(url, frames).join();
        }

        /** Sends {@code text} and waits for the message that starts with {@code endPrefix}. */
        void request(String text, String endPrefix) throws InterruptedException {
            socket.sendText(text, true).join();
            while (true) {
                String m = frames.texts.poll(30, TimeUnit.SECONDS);
                if (m == null) {
                    throw new IllegalStateException("no answer to " + text);
                }
                if (m.startsWith(endPrefix)) {
                    return;
                }
                if (m.startsWith("[\"CLOSED\"") || m.startsWith("[\"NOTICE\"")) {
                    throw new IllegalStateException("refused: " + m);
                }
            }
        }

        void ping() throws InterruptedException {
            socket.sendPing(ByteBuffer.wrap(new byte[]{1})).join();
            if (frames.pongs.poll(30, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("no pong");
            }
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    /**
     * The exchange for an op sent as {@code REQ} (NIP-01 filter or Primal cache request). The subid is the same each
     * time, as clients reuse theirs: a NIP-01 REQ replaces the subscription of that id instead of opening another.
     */
    static Exchange req(IntFunction<String> body) {
        return (client, i) -> client.request("[\"REQ\",\"bench\"," + body.apply(i) + "]", "[\"EOSE\",\"bench\"");
    }

    /** What a Primal client sends first on a connection, and how its answer ends. */
    static final String PRIMAL_OPENING =
            "[\"REQ\",\"protocol\",{\"cache\":[\"set_primal_protocol\",{\"compression\":\"zlib\"}]}]";
    static final String PRIMAL_OPENING_END = "[\"EOSE\",\"protocol\"";

    /**
     * A Primal cache request as Primal's clients send it: a connection first asks {@code set_primal_protocol} for
     * compression (so the cache may answer in {@code EVENTS} batches), untimed, since it is a request of its own.
     */
    static Op primal(IntFunction<String> body) {
        return new Op((client, i) -> client.request(PRIMAL_OPENING, PRIMAL_OPENING_END), req(body));
    }
}
