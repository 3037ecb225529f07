package dev.nostrcache.infra.aws;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Database credentials as AWS keeps them: a Secrets Manager secret in RDS's JSON form ({@code username},
 * {@code password}, {@code host}, {@code port}, {@code dbname}). {@code hostOverride} replaces the host (the RDS
 * Proxy endpoint, when the template creates one in front of the cluster).
 */
public record DatabaseSecret(String jdbcUrl, String user, String password) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static DatabaseSecret parse(String secretJson, String hostOverride) {
        JsonNode s = JSON.readTree(secretJson);
        if (s == null || !s.isObject() || !s.path("username").isString() || !s.path("password").isString()) {
            throw new IllegalArgumentException("the database secret must be JSON with username and password");
        }
        String host = hostOverride != null && !hostOverride.isBlank() ? hostOverride : s.path("host").asString(null);
        if (host == null) {
            throw new IllegalArgumentException("the database secret has no host, and no DATABASE_HOST is set");
        }
        int port = s.path("port").asInt(5432);
        String database = s.path("dbname").asString("postgres");
        return new DatabaseSecret("jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=require",
                s.get("username").asString(), s.get("password").asString());
    }

    /** Reads and parses the secret from Secrets Manager. */
    public static DatabaseSecret read(String secretArn, String hostOverride) {
        return parse(Secrets.read(secretArn), hostOverride);
    }

    @Override
    public String toString() {
        return "DatabaseSecret[" + jdbcUrl + ", user=" + user + ", password=(hidden)]";
    }
}
