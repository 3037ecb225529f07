package dev.nostrcache.functions;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a deployed function finds: a migrated database named by {@code DATABASE_URL}, and {@code MAIN_CLASS}, set as
 * system properties (FunctionInvoker reads them like environment variables). Test classes of the Lambda path extend
 * it; {@link #ds} is that database, for checking what the functions did.
 */
abstract class LambdaEnvironment {
    static HikariDataSource ds;

    @BeforeAll
    static void freshDatabase() {
        String url = TestDatabase.freshJdbcUrl();
        ds = DataSources.forLocal(url, "postgres", null);
        Migrations.migrate(ds);
        System.setProperty("MAIN_CLASS", CacheFunctions.class.getName());
        System.setProperty("DATABASE_URL", url);
        System.setProperty("DATABASE_USER", "postgres");
    }

    @AfterAll
    static void closeDatabase() {
        ds.close();
    }
}
