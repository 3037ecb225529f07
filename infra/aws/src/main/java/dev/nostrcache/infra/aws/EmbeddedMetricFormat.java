package dev.nostrcache.infra.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CloudWatch's embedded metric format: on Lambda, what the counters and timers gained since the last flush is
 * written as JSON log lines that CloudWatch turns into metrics, with no API call and no agent. One line per distinct
 * set of tags (they become the dimensions); counters as counts, timers as their count and total milliseconds.
 */
public final class EmbeddedMetricFormat {
    public static final String NAMESPACE = "nostr-cache";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MeterRegistry registry;
    private final Map<Meter.Id, double[]> last = new HashMap<>();

    public EmbeddedMetricFormat(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The lines for what changed since the previous call (none when nothing did). */
    public synchronized List<String> flush(long epochMillis) {
        Map<List<Tag>, Map<String, double[]>> byTags = new LinkedHashMap<>();
        for (Meter meter : registry.getMeters()) {
            double[] now;
            if (meter instanceof Counter c) {
                now = new double[]{c.count()};
            } else if (meter instanceof Timer t) {
                now = new double[]{t.count(), t.totalTime(TimeUnit.MILLISECONDS)};
            } else {
                continue;
            }
            double[] before = last.getOrDefault(meter.getId(), new double[now.length]);
            last.put(meter.getId(), now);
            if (now[0] == before[0]) {
                continue;
            }
            Map<String, double[]> values = byTags.computeIfAbsent(meter.getId().getTags(), k -> new LinkedHashMap<>());
            String name = meter.getId().getName().replace('.', '_');
            if (now.length == 1) {
                values.put(name, new double[]{now[0] - before[0]});
            } else {
                values.put(name + "_count", new double[]{now[0] - before[0]});
                values.put(name + "_ms", new double[]{now[1] - before[1]});
            }
        }
        List<String> lines = new ArrayList<>();
        byTags.forEach((tags, values) -> {
            ObjectNode line = JSON.createObjectNode();
            ObjectNode aws = line.putObject("_aws");
            aws.put("Timestamp", epochMillis);
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode dimensions = directive.putArray("Dimensions").addArray();
            tags.forEach(t -> dimensions.add(t.getKey()));
            ArrayNode metrics = directive.putArray("Metrics");
            tags.forEach(t -> line.put(t.getKey(), t.getValue()));
            values.forEach((name, value) -> {
                metrics.addObject().put("Name", name).put("Unit", name.endsWith("_ms") ? "Milliseconds" : "Count");
                line.put(name, value[0]);
            });
            lines.add(line.toString());
        });
        return lines;
    }
}
