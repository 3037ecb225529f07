package dev.nostrcache.functions.deploy;

import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.aws.CustomResourceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code migrateDatabase}: the custom resource that runs the Flyway migrations when the stack is created or
 * updated, so no function migrates at start. Deleting the stack leaves the data alone.
 */
@Configuration(proxyBeanMethods = false)
public class DeployFunctions {
    public static final String MIGRATE = "migrateDatabase";
    private static final Logger LOG = LoggerFactory.getLogger(DeployFunctions.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean(MIGRATE)
    Function<Map<String, Object>, Map<String, Object>> migrateDatabase(DataSource dataSource) {
        CustomResourceResponse cloudFormation = new CustomResourceResponse();
        return event -> {
            JsonNode request = JSON.valueToTree(event);
            String type = request.path("RequestType").asString("");
            String physicalId = request.path("PhysicalResourceId").asString("nostr-cache-schema");
            boolean success;
            String reason;
            Map<String, Object> data;
            try {
                if (type.equals("Delete")) {
                    data = Map.of("Applied", 0);
                    reason = "the schema and data are kept";
                } else {
                    int applied = Migrations.migrate(dataSource);
                    data = Map.of("Applied", applied);
                    reason = applied + " migrations applied";
                }
                success = true;
            } catch (RuntimeException e) {
                LOG.error("migration failed", e);
                success = false;
                reason = "migration failed: " + e.getMessage();
                data = Map.of();
            }
            try {
                cloudFormation.send(request, success, reason, physicalId, data);
            } catch (Exception e) {
                throw new IllegalStateException("could not answer CloudFormation: " + e.getMessage(), e);
            }
            LOG.info("{} {}: {}", type, success ? "succeeded" : "failed", reason);
            return Map.of("Status", success ? "SUCCESS" : "FAILED", "Reason", reason);
        };
    }
}
