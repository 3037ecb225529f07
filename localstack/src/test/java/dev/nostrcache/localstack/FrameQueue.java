package dev.nostrcache.localstack;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/** A WebSocket listener that queues each complete text message (and each pong) for a client to take in order. */
public final class FrameQueue implements WebSocket.Listener {
    public final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    public final BlockingQueue<Boolean> pongs = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
        pongs.add(true);
        ws.request(1);
        return null;
    }
}
