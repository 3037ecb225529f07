package dev.nostrcache.infra.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/**
 * Applies the Flyway migrations in {@code db/migration}. Run by the local runtime at start and, on AWS, by the
 * deploy-time migration step, never by every function container.
 */
public final class Migrations {
    private Migrations() {
    }

    /** Migrates to the newest version and returns how many migrations were applied (0 when up to date). */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
