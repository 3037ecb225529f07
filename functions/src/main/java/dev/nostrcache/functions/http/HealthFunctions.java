package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.InputStream;
import java.util.function.Function;

/**
 * {@code GET /health}: 200 when the database answers within two seconds, else 503. The answer says which part is
 * unavailable and nothing more (the connection pool's message names its internals); the log has the details.
 */
@Configuration(proxyBeanMethods = false)
public class HealthFunctions {
    private static final Logger LOG = LoggerFactory.getLogger(HealthFunctions.class);

    @Bean
    Function<InputStream, APIGatewayV2HTTPResponse> health(DataSource dataSource) {
        return HttpFunctions.reading(request -> {
            ObjectNode answer = HttpResponses.JSON.createObjectNode();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout(2);
                s.execute("SELECT 1");
                answer.put("status", "ok");
                answer.put("database", "ok");
                return HttpResponses.json(200, answer);
            } catch (SQLException e) {
                LOG.warn("health: the database does not answer: {}", e.toString());
                answer.put("status", "unavailable");
                answer.put("database", "unreachable");
                return HttpResponses.json(503, answer);
            }
        });
    }
}
