package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;

/** {@code GET /health}: 200 when the database answers within two seconds, 503 with the reason otherwise. */
@Configuration(proxyBeanMethods = false)
public class HealthFunctions {

    @Bean
    Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> health(DataSource dataSource) {
        return request -> {
            ObjectNode answer = HttpResponses.JSON.createObjectNode();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout(2);
                s.execute("SELECT 1");
                answer.put("status", "ok");
                answer.put("database", "ok");
                return HttpResponses.json(200, answer);
            } catch (SQLException e) {
                answer.put("status", "unavailable");
                answer.put("database", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                return HttpResponses.json(503, answer);
            }
        };
    }
}
