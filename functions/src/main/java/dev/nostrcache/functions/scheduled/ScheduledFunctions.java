package dev.nostrcache.functions.scheduled;

import dev.nostrcache.infra.avatar.AvatarSettings;
import dev.nostrcache.infra.maintenance.Cleanup;
import dev.nostrcache.infra.primal.TrendingScores;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Functions run on a schedule (EventBridge on AWS, a timer in the local runtime); the event they get is only a
 * trigger. {@code trendingScores} recomputes the rankings behind trending and most-zapped feeds; {@code cleanup}
 * removes what has expired.
 */
@Configuration(proxyBeanMethods = false)
public class ScheduledFunctions {
    /** The bean name, shared with the template and the local runtime's timer. */
    public static final String TRENDING = "trendingScores";
    /** How often it runs: the template's {@code rate(5 minutes)}, and the local runtime's timer. */
    public static final int TRENDING_EVERY_MINUTES = 5;
    public static final String CLEANUP = "cleanup";
    public static final int CLEANUP_EVERY_MINUTES = 60;
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledFunctions.class);

    /** Expired events, stale connections, expired avatars and old jobs; see {@link Cleanup}. */
    @Bean(CLEANUP)
    Function<Map<String, Object>, Map<String, Object>> cleanup(DataSource dataSource, Clock clock,
                                                               ObjectProvider<AvatarSettings> avatars) {
        return trigger -> {
            try {
                Map<String, Integer> removed = new Cleanup(dataSource, avatars.getObject().servableFor())
                        .run(clock.millis() / 1000);
                LOG.info("cleanup removed {}", removed);
                return Map.copyOf(removed);
            } catch (SQLException e) {
                throw new IllegalStateException("cleanup failed: " + e.getMessage(), e);
            }
        };
    }

    @Bean(TRENDING)
    Function<Map<String, Object>, Map<String, Object>> trendingScores(DataSource dataSource, Clock clock) {
        TrendingScores scores = new TrendingScores(dataSource);
        return trigger -> {
            try {
                long started = System.nanoTime();
                int rows = scores.recompute(clock.millis() / 1000);
                long millis = (System.nanoTime() - started) / 1_000_000;
                LOG.info("trending scores recomputed: {} ranked notes in {} ms", rows, millis);
                return Map.of("ranked", rows, "millis", millis);
            } catch (SQLException e) {
                // Thrown, so the scheduler records a failed invocation and retries.
                throw new IllegalStateException("trending scores could not be recomputed: " + e.getMessage(), e);
            }
        };
    }
}
