package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTP function reads its event from the JSON stream Lambda gives it, or takes one handed over already made. */
class HttpFunctionsReadingTest {
    @Test
    void aMadeEventIsTakenAsItIsAndAJsonStreamIsRead() {
        List<APIGatewayV2HTTPEvent> seen = new ArrayList<>();
        var function = HttpFunctions.reading(event -> {
            seen.add(event);
            return APIGatewayV2HTTPResponse.builder().withStatusCode(204).build();
        });
        APIGatewayV2HTTPEvent made = APIGatewayV2HTTPEvent.builder().withRawPath("/health")
                .withPathParameters(Map.of("pubkey", "ab")).build();

        assertThat(function.apply(new MadeHttpEvent(made)).getStatusCode()).isEqualTo(204);
        assertThat(seen.getLast()).isSameAs(made);

        String json = "{\"version\":\"2.0\",\"rawPath\":\"/profile-pic/cd\",\"pathParameters\":{\"pubkey\":\"cd\"}}";
        function.apply(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(seen.getLast().getRawPath()).isEqualTo("/profile-pic/cd");
        assertThat(seen.getLast().getPathParameters()).containsEntry("pubkey", "cd");
    }
}
