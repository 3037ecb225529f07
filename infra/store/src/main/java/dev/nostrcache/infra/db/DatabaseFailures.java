package dev.nostrcache.infra.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells a database that is away from a database that refused one statement. */
public final class DatabaseFailures {
    private DatabaseFailures() {
    }

    /**
     * Whether {@code failure}, or anything that caused it, says the database could not be reached: no connection
     * could be had or one was lost (SQLSTATE class 08), or the server is shutting down or starting (57P).
     */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            String state = t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
