package dev.nostrcache.functions.ingest;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import java.util.function.Function;

/** The function behind one kind-group queue; its bean name is the group's function name. */
public final class IngestFunction implements Function<SQSEvent, SQSBatchResponse> {
    private final String name;
    private final SqsIngestHandler handler;

    public IngestFunction(String name, SqsIngestHandler handler) {
        this.name = name;
        this.handler = handler;
    }

    @Override
    public SQSBatchResponse apply(SQSEvent batch) {
        return handler.handle(name, batch);
    }
}
