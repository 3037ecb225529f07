package dev.nostrcache.worker.testing;

import org.java_websocket.WebSocket;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A WebSocket server for test relays: on a free loopback port, started when constructed, errors ignored. */
abstract class LoopbackServer extends WebSocketServer {
    private final CountDownLatch started = new CountDownLatch(1);

    LoopbackServer() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setReuseAddr(true);
    }

    /** Starts it and waits until it listens. */
    final void startListening() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test relay did not start");
        }
    }

    final String url() {
        return "ws://127.0.0.1:" + getPort();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }

    @Override
    public void onStart() {
        started.countDown();
    }
}
