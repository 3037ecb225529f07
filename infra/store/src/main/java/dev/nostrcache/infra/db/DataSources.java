package dev.nostrcache.infra.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * HikariCP pools sized for where they run.
 * <ul>
 * <li>Lambda: one container handles one invocation at a time, so two connections (one spare for a statistics
 * transaction beside a query) and no idle minimum: a frozen container must not hold database connections.
 * Migrations are never run from here.</li>
 * <li>Local runtime: every function shares one JVM, so a larger pool.</li>
 * </ul>
 */
public final class DataSources {
    public static final int LAMBDA_POOL_SIZE = 2;
    public static final int LOCAL_POOL_SIZE = 16;

    private DataSources() {
    }

    public static HikariDataSource forLambda(String jdbcUrl, String user, String password) {
        HikariConfig config = base(jdbcUrl, user, password, "lambda");
        config.setMaximumPoolSize(LAMBDA_POOL_SIZE);
        config.setMinimumIdle(0);
        config.setIdleTimeout(60_000);
        // RDS Proxy or a restarted database may drop connections while a container sleeps; re-check quickly.
        config.setKeepaliveTime(30_000);
        // Open no connection at start: a SnapStart snapshot must not hold one, and a database that is down at
        // cold start should fail the messages (so SQS retries them), not the container's initialisation.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    public static HikariDataSource forLocal(String jdbcUrl, String user, String password) {
        HikariConfig config = base(jdbcUrl, user, password, "local");
        config.setMaximumPoolSize(LOCAL_POOL_SIZE);
        config.setMinimumIdle(2);
        return new HikariDataSource(config);
    }

    private static HikariConfig base(String jdbcUrl, String user, String password, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("nostr-cache-" + name);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setConnectionTimeout(10_000);
        config.setValidationTimeout(3_000);
        // Server-side prepared statements after the first use; batched inserts are rewritten into multi-row ones.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "nostr-cache");
        // Fail fast at start-up with the driver's own message instead of waiting for the first query.
        config.setInitializationFailTimeout(10_000);
        return config;
    }
}
