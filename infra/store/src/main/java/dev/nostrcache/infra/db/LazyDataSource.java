package dev.nostrcache.infra.db;

import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A data source built on its first use: on Lambda the credentials come from Secrets Manager, and fetching them at
 * initialisation would put them in the SnapStart snapshot and fail the container when the network is not ready.
 */
public final class LazyDataSource implements DataSource, AutoCloseable {
    private final Supplier<HikariDataSource> factory;
    private volatile HikariDataSource pool;

    public LazyDataSource(Supplier<HikariDataSource> factory) {
        this.factory = factory;
    }

    private HikariDataSource pool() throws SQLException {
        HikariDataSource p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    try {
                        pool = factory.get();
                    } catch (RuntimeException e) {
                        throw new SQLException("the database is not reachable: " + e.getMessage(), "08001", e);
                    }
                }
                p = pool;
            }
        }
        return p;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pool().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool().isWrapperFor(iface);
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
