package dev.nostrcache.localstack;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.nostrcache.functions.http.HttpRoute;
import dev.nostrcache.functions.http.MadeHttpEvent;
import dev.nostrcache.infra.net.Admission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * What API Gateway's WebSocket API does, on one loopback port: every connection gets a {@code connectionId}, and
 * its opening, each text message and its closing become {@code $connect}, {@code $default} and
 * {@code $disconnect} invocations with the event API Gateway sends. It serves the management API
 * ({@code POST}/{@code GET}/{@code DELETE /<stage>/@connections/<id>}, 410 for a gone connection) to the real SDK
 * client, and the runtime's Prometheus metrics, on a second listener that is always on loopback and never reachable
 * through the client port (on AWS the management API needs IAM credentials; here, an operator who puts the client
 * port behind a proxy exposes nothing more). The functions of this process post to it by a call ({@link #post}).
 * Both ports are bound when it is made, so the runtime knows them, but no connection is accepted before
 * {@link #start}: a client that connects while the runtime starts waits in the listen backlog and is answered
 * once everything behind the gateway is ready. A connection's invocations run one after another on virtual threads
 * (Jetty's own when it has nothing pending, else one of their own), and the WebSocket invocations of all connections
 * take turns through one {@link Admission} (so many at once, in arrival order; the HTTP routes, whose picture fetches wait on other hosts, are not held back). The idle timeout and
 * the maximum connection time are configurable (API Gateway's are 10 minutes and 2 hours); frames are limited to
 * 128 KiB, as on API Gateway. A client that reads slower than it asks is disconnected once
 * {@value #MAX_QUEUED_FRAMES} frames wait for it (API Gateway does not say what it buffers; strfry also drops slow
 * readers), and the posts to it are then answered {@code 410 Gone}, so the functions forget it. HTTP request bodies
 * are limited to {@value #MAX_BODY_BYTES} bytes (413 beyond, read no further).
 */
public final class LocalGateway implements AutoCloseable {
    static final String STAGE = "local";
    /** The most platform threads the gateway keeps; the work runs on virtual threads. */
    public static final int POOL_THREADS = 32;
    /** Frames that may wait for a client to read them: a few large answers; memory stays bounded per client. */
    static final int MAX_QUEUED_FRAMES = 2_000;
    /** The largest HTTP request body read (a batch of 1,000 npubs is about 70 KB). */
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(LocalGateway.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The functions the routes invoke: the event as the object (or stream) the function takes, its result out. */
    interface Invoker {
        <O> O call(String function, Object event);
    }

    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector management;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final ExecutorService invocations = Executors.newVirtualThreadPerTaskExecutor();
    private final Admission webSocketTurns;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-timers");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requestIds = new AtomicLong();
    private final Duration maxConnectionTime;
    private volatile Invoker invoker;
    private volatile Supplier<String> metrics;

    /**
     * Binds the client port ({@code listen}) and the management port ({@code managementPort} on loopback, 0 for any)
     * without accepting anything yet.
     */
    LocalGateway(InetSocketAddress listen, int managementPort, Duration idleTimeout, Duration maxConnectionTime,
                 int webSocketConcurrency) throws Exception {
        this.maxConnectionTime = maxConnectionTime;
        this.webSocketTurns = new Admission(webSocketConcurrency);
        // Requests and frames are handled on virtual threads and the platform pool is small: a burst of connections
        // does not leave the runtime with hundreds of platform threads (the pool gives them back one at a time).
        QueuedThreadPool threads = new QueuedThreadPool(POOL_THREADS, 8, 10_000);
        threads.setName("gateway");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setName("clients");
        connector.setHost(listen.getHostString());
        connector.setPort(listen.getPort());
        server.addConnector(connector);
        management = new ServerConnector(server);
        management.setName("management");
        management.setHost(LocalAws.HOST);
        management.setPort(managementPort);
        server.addConnector(management);

        ContextHandler clients = new ContextHandler("/");
        clients.setVirtualHosts(List.of("@clients"));
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, clients, container -> {
            container.setIdleTimeout(idleTimeout);
            container.setMaxTextMessageSize(128 * 1024);
            container.setMaxOutgoingFrames(MAX_QUEUED_FRAMES);
            container.addMapping("/", (request, response, callback) -> new Connection(
                    request.getHeaders().get(HttpHeader.USER_AGENT), Request.getRemoteAddr(request)));
        });
        SizeLimitHandler bodyLimit = new SizeLimitHandler(MAX_BODY_BYTES, -1);
        bodyLimit.setHandler(new HttpRoutes());
        upgrades.setHandler(bodyLimit);
        clients.setHandler(upgrades);
        ContextHandler managed = new ContextHandler("/");
        managed.setVirtualHosts(List.of("@management"));
        managed.setHandler(new ManagementRoutes());
        server.setHandler(new ContextHandlerCollection(clients, managed));
        // Errors Jetty answers itself (a malformed or ambiguous URI, a body over the limit) come as JSON, like API
        // Gateway's own errors.
        server.setErrorHandler((request, response, callback) -> {
            Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, "{\"message\":" + JSON.writeValueAsString(
                    message == null ? HttpStatus.getMessage(response.getStatus()) : message.toString()) + "}", callback);
            return true;
        });
        connector.open();
        management.open();
    }

    /**
     * Connects the routes to the functions and starts accepting connections (the ones that waited while the runtime
     * started included). The functions need the gateway's addresses first, to answer through it.
     */
    void start(Invoker functions) throws Exception {
        this.invoker = functions;
        server.start();
    }

    /** Disconnects the functions (the runtime stops them next). */
    void detach() {
        this.invoker = null;
    }

    /** Serves {@code GET /metrics} on the management port, in Prometheus's text format (not an API route). */
    void exposeMetrics(Supplier<String> scrape) {
        this.metrics = scrape;
    }

    int port() {
        return connector.getLocalPort();
    }

    /** Where the management API is reached: what functions use as their endpoint. */
    String managementEndpoint() {
        return "http://" + LocalAws.HOST + ":" + management.getLocalPort() + "/" + STAGE;
    }

    /** The management listener's base URL ({@code /metrics}, {@code /<stage>/@connections}). */
    URI managementUrl() {
        return URI.create("http://" + LocalAws.HOST + ":" + management.getLocalPort() + "/");
    }

    int openConnections() {
        return connections.size();
    }

    /**
     * {@code PostToConnection} without the HTTP hop: what the management API's {@code POST} does, for functions in
     * this process. False when the connection is gone (the API's {@code 410}).
     */
    boolean post(String connectionId, byte[] utf8) {
        Connection connection = connections.get(connectionId);
        return connection != null && connection.send(utf8);
    }

    @Override
    public void close() throws Exception {
        if (server.isStarted()) {
            server.stop();
        } else {
            connector.close();
            management.close();
        }
        invocations.shutdown();
        invocations.awaitTermination(10, TimeUnit.SECONDS);
        timers.shutdownNow();
    }

    /** One client connection: its id, its serial invocation chain, its socket. Public: Jetty calls it by handles. */
    public final class Connection implements Session.Listener.AutoDemanding {
        private final String id = newConnectionId();
        private final String userAgent;
        private final String sourceIp;
        private final long connectedAt = System.currentTimeMillis();
        private volatile long lastActiveAt = connectedAt;
        private volatile Session session;
        private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        /** The thread running this connection's invocation now, if any: its posts are batched. */
        private volatile Thread invoking;

        Connection(String userAgent, String sourceIp) {
            this.userAgent = userAgent;
            this.sourceIp = sourceIp;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            connections.put(id, this);
            timers.schedule(() -> session.close(1001, "maximum connection time reached", org.eclipse.jetty.websocket.api.Callback.NOOP),
                    maxConnectionTime.toMillis(), TimeUnit.MILLISECONDS);
            enqueue(() -> {
                APIGatewayV2WebSocketResponse response = invoke("$connect", "CONNECT", null);
                if (response == null || response.getStatusCode() != 200) {
                    session.close(1008, "connection refused", org.eclipse.jetty.websocket.api.Callback.NOOP);
                }
            });
        }

        @Override
        public void onWebSocketText(String message) {
            lastActiveAt = System.currentTimeMillis();
            enqueue(() -> invoke("$default", "MESSAGE", message));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            if (connections.remove(id) != null) {
                enqueue(() -> invoke("$disconnect", "DISCONNECT", null));
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("connection {}: {}", id, cause.toString());
        }

        /**
         * Queues {@code utf8}, a text message in UTF-8, for the client; false if the connection is gone, or is cut off
         * now for reading too slowly. A post made by this connection's own invocation (its answer) waits in Jetty's
         * batch until the invocation returns, so an answer of many frames leaves in one write instead of one per frame
         * (the frames are the same, as API Gateway's would be); any other post (a live event) is written at once.
         */
        boolean send(byte[] utf8) {
            Session s = session;
            if (s == null || !s.isOpen()) {
                return false;
            }
            AtomicBoolean refused = new AtomicBoolean();
            Callback sent = Callback.from(() -> { }, failure -> {
                refused.set(true);
                if (s.isOpen()) {
                    LOG.info("connection {} cut off: {} frames wait for it to read ({})", id, MAX_QUEUED_FRAMES, failure.toString());
                    s.disconnect();
                }
            });
            ((WebSocketSession) s).getCoreSession().sendFrame(new Frame(OpCode.TEXT).setPayload(ByteBuffer.wrap(utf8)),
                    sent, Thread.currentThread() == invoking);
            return !refused.get();
        }

        /**
         * Runs {@code work} after this connection's earlier invocations. When none is pending and Jetty delivered the
         * frame on a virtual thread (its pool's executor for blocking work), it runs right there: Jetty reads the
         * connection's next frame when it returns, and a request is not handed to another thread and woken there, a
         * wait for a CPU on a busy machine (a REQ at one client: 13 % more per second, 14 % less JVM CPU; 2026-12-05,
         * fifteenth). Otherwise it waits in the connection's chain, on a virtual thread of its own.
         */
        private void enqueue(Runnable work) {
            CompletableFuture<Void> running;
            synchronized (this) {
                if (!chain.isDone() || !Thread.currentThread().isVirtual()) {
                    chain = chain.thenRunAsync(work, invocations).exceptionally(e -> {
                        failed(e);
                        return null;
                    });
                    return;
                }
                running = new CompletableFuture<>();
                chain = running;
            }
            try {
                work.run();
            } catch (RuntimeException e) {
                failed(e);
            } finally {
                running.complete(null);
            }
        }

        private void failed(Throwable e) {
            LOG.warn("connection {}: invocation failed: {}", id, e.toString());
        }

        private APIGatewayV2WebSocketResponse invoke(String routeKey, String eventType, String body) {
            Invoker functions = invoker;
            if (functions == null) {
                return null;
            }
            invoking = Thread.currentThread();
            try {
                return webSocketTurns.run(() -> functions.call(functionFor(routeKey), event(routeKey, eventType, body)));
            } catch (RuntimeException e) {
                LOG.warn("{} of connection {} failed: {}", routeKey, id, e.toString());
                return null;
            } finally {
                invoking = null;
                Session s = session;
                if (s != null) {
                    ((WebSocketSession) s).getCoreSession().flush(Callback.NOOP);
                }
            }
        }

        /** What API Gateway sends a WebSocket route's function (its JSON form is tested against the Lambda artifact). */
        private APIGatewayV2WebSocketEvent event(String routeKey, String eventType, String body) {
            APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
            long now = System.currentTimeMillis();
            long requestId = requestIds.incrementAndGet();
            context.setRouteKey(routeKey);
            context.setEventType(eventType);
            context.setConnectionId(id);
            context.setDomainName(connector.getHost() + ":" + port());
            context.setStage(STAGE);
            context.setApiId("local");
            context.setRequestId("req-" + requestId);
            context.setMessageId("msg-" + requestId);
            context.setExtendedRequestId("ext-" + requestId);
            context.setRequestTimeEpoch(now);
            context.setRequestTime(Instant.ofEpochMilli(now).toString());
            context.setConnectedAt(connectedAt);
            context.setMessageDirection("IN");
            APIGatewayV2WebSocketEvent.RequestIdentity identity = new APIGatewayV2WebSocketEvent.RequestIdentity();
            identity.setSourceIp(sourceIp);
            context.setIdentity(identity);
            APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
            event.setRequestContext(context);
            if (eventType.equals("CONNECT") && userAgent != null) {
                event.setHeaders(Map.of("User-Agent", userAgent));
            }
            event.setBody(body);
            event.setIsBase64Encoded(false);
            return event;
        }
    }

    private static String functionFor(String routeKey) {
        return switch (routeKey) {
            case "$connect" -> "wsConnect";
            case "$disconnect" -> "wsDisconnect";
            default -> "wsDefault";
        };
    }

    private static String newConnectionId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('/', '_').replace('+', '-');
    }

    /**
     * Plain HTTP on the client port: the HTTP API's routes, each invoked as an HTTP API (payload format 2.0) function.
     * On AWS the HTTP API has its own address.
     */
    private final class HttpRoutes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            for (HttpRoute route : HttpRoute.values()) {
                Map<String, String> parameters = route.method().equals(request.getMethod()) ? route.match(path) : null;
                if (parameters != null) {
                    Content.Source.asString(request, StandardCharsets.UTF_8, new Promise<>() {
                        @Override
                        public void succeeded(String body) {
                            invocations.execute(() -> invokeHttp(route, parameters, body, request, response, callback, path));
                        }

                        @Override
                        public void failed(Throwable x) {
                            if (x instanceof HttpException http
                                    && http.getCode() == HttpStatus.PAYLOAD_TOO_LARGE_413) {
                                reply(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge());
                            } else {
                                reply(response, callback, HttpStatus.BAD_REQUEST_400, "{\"message\":\"unreadable body\"}");
                            }
                        }
                    });
                    return true;
                }
            }
            reply(response, callback, HttpStatus.NOT_FOUND_404, "{\"message\":\"Not Found\"}");
            return true;
        }

        /** Invokes the route's function with the event API Gateway's HTTP API sends (payload format 2.0). */
        private void invokeHttp(HttpRoute route, Map<String, String> pathParameters, String body, Request request,
                                Response response, Callback callback, String path) {
            String function = route.function();
            Invoker functions = invoker;
            long now = System.currentTimeMillis();
            String query = request.getHttpURI().getQuery() == null ? "" : request.getHttpURI().getQuery();
            Map<String, String> headers = new LinkedHashMap<>();
            request.getHeaders().forEach(h -> headers.put(h.getLowerCaseName(), h.getValue()));
            Map<String, String> queryParameters = null;
            if (!query.isEmpty()) {
                queryParameters = new LinkedHashMap<>();
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    // API Gateway joins repeated parameters with commas.
                    queryParameters.merge(name, value, (first, next) -> first + "," + next);
                }
            }
            Map<String, String> decodedPathParameters = null;
            if (!pathParameters.isEmpty()) {
                decodedPathParameters = new LinkedHashMap<>();
                for (Map.Entry<String, String> p : pathParameters.entrySet()) {
                    decodedPathParameters.put(p.getKey(), URLDecoder.decode(p.getValue(), StandardCharsets.UTF_8));
                }
            }
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withVersion("2.0")
                    .withRouteKey(route.routeKey())
                    .withRawPath(path)
                    .withRawQueryString(query)
                    .withHeaders(headers)
                    .withQueryStringParameters(queryParameters)
                    .withPathParameters(decodedPathParameters)
                    .withBody(body.isEmpty() ? null : body)
                    .withIsBase64Encoded(false)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withApiId("local")
                            .withDomainName(connector.getHost() + ":" + port())
                            .withRequestId("req-" + requestIds.incrementAndGet())
                            .withRouteKey(route.routeKey())
                            .withStage("$default")
                            .withTime(Instant.ofEpochMilli(now).toString())
                            .withTimeEpoch(now)
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                    .withMethod(request.getMethod())
                                    .withPath(path)
                                    .withProtocol(request.getConnectionMetaData().getProtocol())
                                    .withSourceIp(Request.getRemoteAddr(request))
                                    .withUserAgent(request.getHeaders().get(HttpHeader.USER_AGENT))
                                    .build())
                            .build())
                    .build();
            try {
                if (functions == null) {
                    throw new IllegalStateException("the functions are not running");
                }
                // The event as the object the function would read from its stream on Lambda; its answer as the
                // object it returns.
                APIGatewayV2HTTPResponse answer = functions.call(function, new MadeHttpEvent(event));
                response.setStatus(answer.getStatusCode() == 0 ? 200 : answer.getStatusCode());
                if (answer.getHeaders() != null) {
                    answer.getHeaders().forEach((name, value) -> response.getHeaders().put(name, value));
                }
                String text = answer.getBody() == null ? "" : answer.getBody();
                if (answer.getIsBase64Encoded()) {
                    response.write(true, ByteBuffer.wrap(Base64.getDecoder().decode(text)), callback);
                } else {
                    Content.Sink.write(response, true, text, callback);
                }
            } catch (Exception e) {
                LOG.warn("{} failed: {}", function, e.toString());
                reply(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "{\"message\":\"Internal Server Error\"}");
            }
        }

    }

    private static String tooLarge() {
        return "{\"message\":\"the request body is larger than " + MAX_BODY_BYTES + " bytes\"}";
    }

    /** The loopback-only listener: the management API the SDK calls, and the runtime's metrics. */
    private final class ManagementRoutes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String prefix = "/" + STAGE + "/@connections/";
            if (path.startsWith(prefix)) {
                return manage(request, response, callback, path.substring(prefix.length()));
            }
            Supplier<String> scrape = metrics;
            if (path.equals("/metrics") && request.getMethod().equals("GET") && scrape != null) {
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                Content.Sink.write(response, true, scrape.get(), callback);
                return true;
            }
            reply(response, callback, HttpStatus.NOT_FOUND_404, "{\"message\":\"Not Found\"}");
            return true;
        }

        private boolean manage(Request request, Response response, Callback callback, String encodedId) {
            String id = URLDecoder.decode(encodedId, StandardCharsets.UTF_8);
            Connection connection = connections.get(id);
            if (connection == null) {
                reply(response, callback, HttpStatus.GONE_410, "{\"message\":\"GoneException\"}");
                return true;
            }
            switch (request.getMethod()) {
                case "POST" -> Content.Source.asString(request, StandardCharsets.UTF_8, new Promise<>() {
                    @Override
                    public void succeeded(String body) {
                        boolean sent = connection.send(body.getBytes(StandardCharsets.UTF_8));
                        reply(response, callback, sent ? HttpStatus.OK_200 : HttpStatus.GONE_410, sent ? "" : "{\"message\":\"GoneException\"}");
                    }

                    @Override
                    public void failed(Throwable x) {
                        reply(response, callback, HttpStatus.BAD_REQUEST_400, "{\"message\":\"unreadable body\"}");
                    }
                });
                case "GET" -> reply(response, callback, HttpStatus.OK_200, "{\"connectedAt\":\""
                        + Instant.ofEpochMilli(connection.connectedAt) + "\",\"lastActiveAt\":\""
                        + Instant.ofEpochMilli(connection.lastActiveAt) + "\",\"identity\":{\"sourceIp\":"
                        + JSON.writeValueAsString(connection.sourceIp) + ",\"userAgent\":"
                        + JSON.writeValueAsString(connection.userAgent) + "}}");
                case "DELETE" -> {
                    connection.session.close(1000, "closed by the API", org.eclipse.jetty.websocket.api.Callback.NOOP);
                    reply(response, callback, HttpStatus.NO_CONTENT_204, "");
                }
                default -> reply(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "{\"message\":\"method not allowed\"}");
            }
            return true;
        }
    }

    private static void reply(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        if (status == HttpStatus.GONE_410) {
            // How the SDK recognises the error of a REST-JSON service: GoneException.
            response.getHeaders().put("x-amzn-ErrorType", "GoneException");
        }
        if (!body.isEmpty()) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        }
        Content.Sink.write(response, true, body, callback);
    }
}
