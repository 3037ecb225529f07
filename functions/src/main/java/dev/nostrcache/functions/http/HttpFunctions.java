package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;

import java.io.InputStream;
import java.util.function.Function;

/**
 * HTTP API (payload format 2.0) functions that read their own event. Spring Cloud Function looks into an API Gateway
 * event before the function sees it: a body that is a JSON array makes it call the function once per element (so
 * {@code POST /batch-cache} with {@code [1,2]} failed with a 500 on every route), and the request's HTTP headers
 * become message headers that steer its conversions. A function that takes the raw event as a stream skips all of
 * that; the event is read here with Lambda's own serializer, as Lambda reads it (or taken as it is: {@link MadeHttpEvent}).
 */
final class HttpFunctions {
    private static final PojoSerializer<APIGatewayV2HTTPEvent> EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, HttpFunctions.class.getClassLoader());

    private HttpFunctions() {
    }

    static Function<InputStream, APIGatewayV2HTTPResponse> reading(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        return event -> handler.apply(event instanceof MadeHttpEvent made ? made.event() : EVENTS.fromJson(event));
    }
}
