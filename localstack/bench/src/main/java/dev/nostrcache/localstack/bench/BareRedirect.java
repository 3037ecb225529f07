package dev.nostrcache.localstack.bench;

import dev.nostrcache.localstack.LocalGateway;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.util.concurrent.Executors;

/**
 * The ceiling of the {@code /profile-pic} figure: a 302 answered by the same server stack as the local gateway (Jetty,
 * its thread pool, virtual threads), in the same JVM, with no route matching and no function behind it.
 */
final class BareRedirect implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    BareRedirect() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(LocalGateway.POOL_THREADS, 8, 10_000);
        threads.setName("bare-redirect");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(HttpStatus.FOUND_302);
                response.getHeaders().put(HttpHeader.LOCATION, "/");
                Content.Sink.write(response, true, "", callback);
                return true;
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
