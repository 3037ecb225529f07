package dev.nostrcache.functions;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.testing.TestDatabase;

/**
 * What a deployed function finds: a migrated database named by {@code DATABASE_URL}, and {@code MAIN_CLASS}, set as
 * system properties (FunctionInvoker reads them like environment variables). Answers a data source for checking.
 */
final class LambdaEnvironment {
    private LambdaEnvironment() {
    }

    static HikariDataSource withFreshDatabase() {
        String url = TestDatabase.freshJdbcUrl();
        HikariDataSource ds = DataSources.forLocal(url, "postgres", null);
        Migrations.migrate(ds);
        System.setProperty("MAIN_CLASS", CacheFunctions.class.getName());
        System.setProperty("DATABASE_URL", url);
        System.setProperty("DATABASE_USER", "postgres");
        return ds;
    }
}
