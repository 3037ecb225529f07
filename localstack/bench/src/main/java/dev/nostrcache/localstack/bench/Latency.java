package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/** Closed-loop latency: each client sends a request, waits for its answer, and sends the next. */
final class Latency {
    /** How long a client waits for an answer (or for the next message of one) before the run fails. */
    static final int ANSWER_TIMEOUT_MILLIS = 30_000;

    /** What a run measured: requests answered, wall time, and the latency distribution in milliseconds. */
    record Stats(int requests, double seconds, double p50, double p99, double max) {
        double rate() {
            return requests / seconds;
        }

        String summary() {
            return String.format(Locale.ROOT, "%,.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms", rate(), p50, p99, max);
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

    /** {@link #connect}, then {@code perClient} timed exchanges per client, all at once. */
    static Stats webSocket(URI url, int clients, int perClient, Op op) throws Exception {
        try (Connections connections = connect(url, clients, op)) {
            return connections.run(perClient);
        }
    }

    /**
     * {@code clients} WebSocket clients, each opened by the op's opening, then {@link #untimedPerConnection} untimed
     * exchanges each, all at once: ready for timed loops ({@link Connections#run}), so that what a loop's row says of
     * the machine can cover the timed exchanges alone.
     */
    static Connections connect(URI url, int clients, Op op) throws Exception {
        Connections connections = new Connections(op);
        try {
            for (int i = 0; i < clients; i++) {
                Client client = new Client(url);
                connections.clients.add(client);
                if (op.opening() != null) {
                    op.opening().run(client, 0);
                }
            }
            int untimed = untimedPerConnection(clients);
            runClients(clients, client -> {
                for (int i = 0; i < untimed; i++) {
                    op.timed().run(connections.clients.get(client), i);
                }
            });
            return connections;
        } catch (Exception | Error e) {
            connections.close();
            throw e;
        }
    }

    /** Connected clients of one op, past their opening and untimed exchanges. */
    static final class Connections implements AutoCloseable {
        private final List<Client> clients = new ArrayList<>();
        private final Op op;

        private Connections(Op op) {
            this.op = op;
        }

        /** {@code perClient} timed exchanges per client, all at once. */
        Stats run(int perClient) throws Exception {
            int count = clients.size();
            long[][] samples = new long[count][perClient];
            long started = System.nanoTime();
            runClients(count, client -> {
                for (int i = 0; i < perClient; i++) {
                    long t = System.nanoTime();
                    op.timed().run(clients.get(client), i);
                    samples[client][i] = System.nanoTime() - t;
                }
            });
            return stats(samples, System.nanoTime() - started);
        }

        @Override
        public void close() {
            clients.forEach(Client::close);
        }
    }

    /**
     * Untimed exchanges per connection before the timed ones, about a thousand in all, by the in-process and the
     * Node.js clients alike. A connection's first requests take paths the rest do not (a NIP-01 REQ's first opens its
     * subscription: a write), and at 100 clients of 40 requests each the first alone are 2.5 % of the samples, above
     * the p99 line (the harness, docs/benchmarks.md 2026-12-07 twenty-eighth: a p99 of 70-114 ms without them, 43-49
     * with ten each); and a fresh Node.js process runs its client cold: a loop of 2,000 requests read a quarter less
     * than the same loop after them (2026-12-04, ninth).
     */
    static int untimedPerConnection(int clients) {
        return Math.max(10, 1_000 / clients);
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
                        m = client.socket.nextText();
                    } catch (SocketTimeoutException e) {
                        refused.set("no OK within " + ANSWER_TIMEOUT_MILLIS / 1000 + " s after " + answered + " of "
                                + events.size());
                        break;
                    } catch (IOException e) {
                        refused.set(e.getMessage() + " after " + answered + " OKs of " + events.size());
                        break;
                    }
                    if (m.startsWith("[\"OK\"")) {
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
                client.socket.sendText("[\"EVENT\"," + json + "]");
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

    /** A WebSocket client of the loops ({@link PlainWebSocket}): a request, then its answer read up to its end. */
    static final class Client {
        private static final byte[] CLOSED = "[\"CLOSED\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] NOTICE = "[\"NOTICE\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] PING = {1};
        private final PlainWebSocket socket;
        private final int timeoutMillis;

        Client(URI url) throws IOException {
            this(url, ANSWER_TIMEOUT_MILLIS);
        }

        /** A client whose every read waits at most {@code timeoutMillis} (whole seconds) for the server. */
        Client(URI url, int timeoutMillis) throws IOException {
            socket = new PlainWebSocket(url, timeoutMillis);
            this.timeoutMillis = timeoutMillis;
        }

        /** Sends {@code text} and reads up to the message that starts with {@code end}'s bytes. */
        void request(String text, byte[] end) throws IOException {
            socket.sendText(text);
            while (true) {
                int opcode = read(text);
                if (opcode == PlainWebSocket.PONG) {
                    continue;
                }
                if (socket.startsWith(end)) {
                    return;
                }
                if (socket.startsWith(CLOSED) || socket.startsWith(NOTICE)) {
                    throw new IllegalStateException("refused: " + socket.text());
                }
            }
        }

        void ping() throws IOException {
            socket.sendPing(PING);
            while (read("a ping") != PlainWebSocket.PONG) {
                // nothing else is asked on a ping-pong connection; anything else is passed over
            }
        }

        private int read(String awaited) throws IOException {
            int opcode;
            try {
                opcode = socket.read();
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("no answer to " + awaited + " within " + timeoutMillis / 1000 + " s");
            }
            if (opcode == PlainWebSocket.CLOSE) {
                throw new IllegalStateException("the gateway closed the connection (" + socket.closeReason() + ") awaiting "
                        + "the answer to " + awaited);
            }
            return opcode;
        }

        void close() {
            socket.close();
        }
    }

    /**
     * The exchange for an op sent as {@code REQ} (NIP-01 filter or Primal cache request). The subid is the same each
     * time, as clients reuse theirs: a NIP-01 REQ replaces the subscription of that id instead of opening another.
     */
    static Exchange req(IntFunction<String> body) {
        byte[] end = "[\"EOSE\",\"bench\"".getBytes(StandardCharsets.UTF_8);
        return (client, i) -> client.request("[\"REQ\",\"bench\"," + body.apply(i) + "]", end);
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
        byte[] end = PRIMAL_OPENING_END.getBytes(StandardCharsets.UTF_8);
        return new Op((client, i) -> client.request(PRIMAL_OPENING, end), req(body));
    }
}
