package dev.nostrcache.functions.scheduled;

import dev.nostrcache.infra.primal.TrendingScores;
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
 * trigger. {@code trendingScores} recomputes the rankings behind trending and most-zapped feeds.
 */
@Configuration(proxyBeanMethods = false)
public class ScheduledFunctions {
    /** The bean name, shared with the template and the local runtime's timer. */
    public static final String TRENDING = "trendingScores";
    /** How often it runs: the template's {@code rate(5 minutes)}, and the local runtime's timer. */
    public static final int TRENDING_EVERY_MINUTES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledFunctions.class);

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
