package dev.nostrcache.infra.storage;

import java.io.IOException;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Reads the stored events out in {@code created_at} order, oldest first, each exactly as the relay serves it (the
 * stored JSON), through a server-side cursor: memory stays flat however many there are. Expired events are left out,
 * as the relay leaves them out.
 */
public final class EventExport {
    private static final int FETCH_SIZE = 2_000;

    /** Receives one event's JSON at a time. */
    public interface Sink {
        void accept(String json) throws IOException;
    }

    private final DataSource dataSource;

    public EventExport(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param kinds the kinds to export (empty: all)
     * @param since the oldest {@code created_at} to export (null: no bound)
     * @param until the newest {@code created_at} to export (null: no bound)
     * @return how many events were written
     */
    public long export(List<Integer> kinds, Long since, Long until, Sink sink) throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT json FROM events
                    WHERE (expires_at IS NULL OR expires_at > extract(epoch FROM now()))
                      AND (cardinality(?::integer[]) = 0 OR kind = ANY (?::integer[]))
                      AND (?::bigint IS NULL OR created_at >= ?) AND (?::bigint IS NULL OR created_at <= ?)
                    ORDER BY created_at, id""")) {
                ps.setFetchSize(FETCH_SIZE);
                var kindArray = c.createArrayOf("integer", kinds.toArray());
                ps.setArray(1, kindArray);
                ps.setArray(2, kindArray);
                setBound(ps, 3, since);
                setBound(ps, 5, until);
                long written = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(rs.getString(1));
                        written++;
                    }
                }
                return written;
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static void setBound(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
            ps.setNull(index + 1, Types.BIGINT);
        } else {
            ps.setLong(index, value);
            ps.setLong(index + 1, value);
        }
    }
}
