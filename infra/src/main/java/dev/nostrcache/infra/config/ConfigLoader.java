package dev.nostrcache.infra.config;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the configuration: defaults, then the config file, then environment variables ({@code NOSTR_CACHE_<KEY>},
 * e.g. {@code NOSTR_CACHE_LISTEN_ADDR}; lists comma-separated). The file is the one named by {@code --config FILE},
 * else by {@code NOSTR_CACHE_CONFIG}, else {@code config.json} in the working directory if it exists; without a file
 * the defaults apply. Relative data paths are resolved against the file's directory, so two configs can run side
 * by side with separate data. An unknown key or a bad value is an error that names the key.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "NOSTR_CACHE_";
    public static final String CONFIG_ENV = "NOSTR_CACHE_CONFIG";

    /** Every key with its default, in the order the README documents them. */
    public static final Map<String, Object> DEFAULTS;

    static {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("listen_addr", "127.0.0.1:8080");
        d.put("database_path", "./data/postgres");
        d.put("media_cache_path", "./data/media_cache");
        d.put("upstream_relays", List.of("wss://relay.damus.io", "wss://nos.lol", "wss://relay.primal.net",
                "wss://purplepag.es"));
        d.put("max_concurrent", 20);
        d.put("cache_expiration_days", 30);
        d.put("database_url", "");
        d.put("database_user", "");
        d.put("database_password", "");
        d.put("database_port", 5433);
        d.put("sqs_port", 9324);
        d.put("s3_port", 9325);
        d.put("stack_name", "nostr-cache");
        d.put("ingest_kinds", List.of(0, 1, 3, 5, 6, 7, 16, 9735, 10002, 30023));
        d.put("relay_discovery_cap", 20);
        d.put("backfill_days", 7);
        d.put("backfill_rate", 500);
        d.put("function_concurrency", 2);
        d.put("local_retry_delay_seconds", 2);
        d.put("local_visibility_timeout_seconds", 60);
        d.put("management_port", 8081);
        d.put("gateway_idle_timeout_seconds", 600);
        d.put("gateway_max_connection_seconds", 7200);
        d.put("blocked_source_ips", List.of());
        d.put("avatar_cache", true);
        d.put("allow_private_origins", false);
        d.put("admin_token", "");
        d.put("avatar_url_lifetime_seconds", 3600);
        d.put("avatar_origin_failure", "redirect");
        d.put("avatar_retry_seconds", 3600);
        d.put("avatar_redirect_cache_seconds", 30);
        d.put("upstream_query_seconds", 5);
        d.put("sqs_endpoint", "");
        d.put("s3_endpoint", "");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigLoader() {
    }

    /** Loads the configuration for a process started in {@code workingDir} with these arguments and environment. */
    public static CacheConfig load(List<String> args, Map<String, String> env, Path workingDir) {
        Path file = configFile(args, env, workingDir);
        Map<String, String> values = new LinkedHashMap<>();
        DEFAULTS.forEach((k, v) -> values.put(k, render(v)));
        Path baseDir = workingDir;
        if (file != null) {
            readFile(file, values);
            baseDir = file.toAbsolutePath().getParent();
        }
        for (String key : DEFAULTS.keySet()) {
            String fromEnv = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        // The SDK's standard variables (what LocalStack users set) stand in for the endpoint keys left empty.
        for (String[] standard : new String[][]{{"sqs_endpoint", "AWS_ENDPOINT_URL_SQS"}, {"s3_endpoint", "AWS_ENDPOINT_URL_S3"}}) {
            if (values.get(standard[0]).isEmpty()) {
                values.put(standard[0], env.getOrDefault(standard[1], env.getOrDefault("AWS_ENDPOINT_URL", "")));
            }
        }
        return build(values, baseDir);
    }

    /** The config file to read, or null for defaults only. */
    static Path configFile(List<String> args, Map<String, String> env, Path workingDir) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--config")) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("--config needs a file name");
                }
                return existing(workingDir.resolve(args.get(i + 1)), "--config");
            }
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return existing(workingDir.resolve(fromEnv), CONFIG_ENV);
        }
        Path local = workingDir.resolve("config.json");
        return Files.isRegularFile(local) ? local : null;
    }

    private static Path existing(Path file, String source) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " (from " + source + ") does not exist");
        }
        return file;
    }

    private static void readFile(Path file, Map<String, String> values) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        } catch (JacksonException e) {
            throw new ConfigException("config file " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("config file " + file + " must hold a JSON object");
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String key = entry.getKey();
            if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException("unknown config key '" + key + "' in " + file + " (known keys: "
                        + String.join(", ", DEFAULTS.keySet()) + ")");
            }
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : value.values()) {
                    if (!item.isString() && !item.isIntegralNumber()) {
                        throw new ConfigException("config key '" + key + "': list items must be strings or integers");
                    }
                    items.add(item.asString());
                }
                values.put(key, String.join(",", items));
            } else if (value.isValueNode() && !value.isNull()) {
                values.put(key, value.asString());
            } else {
                throw new ConfigException("config key '" + key + "': expected a string, number or list");
            }
        }
    }

    private static CacheConfig build(Map<String, String> v, Path baseDir) {
        return new CacheConfig(
                listenAddr(v.get("listen_addr")),
                baseDir.resolve(nonEmpty("database_path", v.get("database_path"))).normalize(),
                baseDir.resolve(nonEmpty("media_cache_path", v.get("media_cache_path"))).normalize(),
                relays(v.get("upstream_relays")),
                intIn("max_concurrent", v.get("max_concurrent"), 1, 1000),
                intIn("cache_expiration_days", v.get("cache_expiration_days"), 1, 3650),
                databaseUrl(v.get("database_url")),
                emptyToNull(v.get("database_user")),
                emptyToNull(v.get("database_password")),
                intIn("database_port", v.get("database_port"), 0, 65535),
                intIn("sqs_port", v.get("sqs_port"), 0, 65535),
                intIn("s3_port", v.get("s3_port"), 0, 65535),
                stackName(v.get("stack_name")),
                kinds(v.get("ingest_kinds")),
                intIn("relay_discovery_cap", v.get("relay_discovery_cap"), 0, 1000),
                intIn("backfill_days", v.get("backfill_days"), 0, 36_500),
                intIn("backfill_rate", v.get("backfill_rate"), 1, 1_000_000),
                intIn("function_concurrency", v.get("function_concurrency"), 1, 64),
                intIn("local_retry_delay_seconds", v.get("local_retry_delay_seconds"), 0, 3600),
                intIn("local_visibility_timeout_seconds", v.get("local_visibility_timeout_seconds"), 5, 43_200),
                intIn("management_port", v.get("management_port"), 0, 65535),
                intIn("gateway_idle_timeout_seconds", v.get("gateway_idle_timeout_seconds"), 1, 86_400),
                intIn("gateway_max_connection_seconds", v.get("gateway_max_connection_seconds"), 1, 604_800),
                list(v.get("blocked_source_ips")),
                bool("avatar_cache", v.get("avatar_cache")),
                bool("allow_private_origins", v.get("allow_private_origins")),
                emptyToNull(v.get("admin_token")),
                intIn("avatar_url_lifetime_seconds", v.get("avatar_url_lifetime_seconds"), 60, 604_800),
                oneOf("avatar_origin_failure", v.get("avatar_origin_failure"), "redirect", "error"),
                intIn("avatar_retry_seconds", v.get("avatar_retry_seconds"), 0, 604_800),
                intIn("avatar_redirect_cache_seconds", v.get("avatar_redirect_cache_seconds"), 0, 3600),
                intIn("upstream_query_seconds", v.get("upstream_query_seconds"), 1, 30),
                endpoint("sqs_endpoint", v.get("sqs_endpoint")),
                endpoint("s3_endpoint", v.get("s3_endpoint")));
    }

    private static String render(Object value) {
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }

    private static String listenAddr(String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException("config key 'listen_addr': expected host:port, got \"" + value + "\"");
        }
        intIn("listen_addr", value.substring(colon + 1), 0, 65535);
        return value;
    }

    private static List<String> relays(String value) {
        List<String> relays = new ArrayList<>();
        for (String item : value.split(",")) {
            String url = item.trim();
            if (url.isEmpty()) {
                continue;
            }
            if (!isWebSocketUrl(url)) {
                throw new ConfigException("config key 'upstream_relays': \"" + url + "\" is not a ws:// or wss:// URL");
            }
            relays.add(url);
        }
        return relays;
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static List<Integer> kinds(String value) {
        List<Integer> kinds = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                kinds.add(intIn("ingest_kinds", item, 0, 65535));
            }
        }
        if (kinds.isEmpty()) {
            throw new ConfigException("config key 'ingest_kinds' must list at least one kind");
        }
        return kinds;
    }

    private static boolean isWebSocketUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static java.net.URI endpoint(String key, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(value.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException("config key '" + key + "': expected an http(s) URL, got \"" + value + "\"");
    }

    private static String databaseUrl(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!value.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("config key 'database_url': expected a jdbc:postgresql: URL, got \"" + value + "\"");
        }
        return value;
    }

    private static String stackName(String value) {
        if (!value.matches("[a-z][a-z0-9-]{0,39}")) {
            throw new ConfigException("config key 'stack_name': use 1-40 lowercase letters, digits and '-', starting"
                    + " with a letter; got \"" + value + "\"");
        }
        return value;
    }

    private static int intIn(String key, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw new ConfigException("config key '" + key + "': expected an integer from " + min + " to " + max
                + ", got \"" + value + "\"");
    }

    private static boolean bool(String key, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("config key '" + key + "': expected true or false, got \"" + value + "\"");
        };
    }

    private static String oneOf(String key, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value.strip())) {
                return a;
            }
        }
        throw new ConfigException("config key '" + key + "': expected one of " + String.join(", ", allowed)
                + ", got \"" + value + "\"");
    }

    private static String nonEmpty(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException("config key '" + key + "' must not be empty");
        }
        return value;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

}
