package dev.nostrcache.infra.config;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the configuration: defaults, then the config file, then environment variables ({@code NOSTR_CACHE_<KEY>},
 * e.g. {@code NOSTR_CACHE_LISTEN_ADDR}; lists comma-separated). The file is the one named by {@code --config FILE},
 * else by {@code NOSTR_CACHE_CONFIG}, else {@code config.json} in the working directory if it exists; without a file
 * the defaults apply. Relative data paths are resolved against the file's directory, so two configs can run side
 * by side with separate data. An unknown key or a bad value is an error that names the key. The keys, defaults and
 * checks are {@link Setting}'s.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "NOSTR_CACHE_";
    public static final String CONFIG_ENV = "NOSTR_CACHE_CONFIG";

    /** Every key of the config file with its default (text, lists comma-separated), in the catalog's order. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (setting.scope().local()) {
                d.put(setting.key(), setting.defaultValue());
            }
        }
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigLoader() {
    }

    /** Loads the configuration for a process started in {@code workingDir} with these arguments and environment. */
    public static CacheConfig load(List<String> args, Map<String, String> env, Path workingDir) {
        Path file = configFile(args, env, workingDir);
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Path baseDir = workingDir;
        if (file != null) {
            readFile(file, values);
            baseDir = file.toAbsolutePath().getParent();
        }
        for (String key : DEFAULTS.keySet()) {
            String fromEnv = env.get(Setting.byKey(key).localVariable());
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

    /**
     * The configuration a function reads from its Lambda environment: each setting that applies on AWS from its
     * variable ({@link Setting#lambdaVariable}), else its default, checked as the config file is; the settings of the
     * local runtime keep their defaults.
     */
    public static CacheConfig fromLambdaEnvironment(Function<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            String fromEnv = setting.scope().aws() ? env.apply(setting.lambdaVariable()) : null;
            values.put(setting.key(), fromEnv != null ? fromEnv : setting.defaultValue());
        }
        return build(values, Path.of("."));
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

    @SuppressWarnings("unchecked")
    private static CacheConfig build(Map<String, String> v, Path baseDir) {
        Map<Setting, Object> c = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = v.get(setting.key());
            c.put(setting, setting.parse(value != null ? value : setting.defaultValue()));
        }
        return new CacheConfig(
                (String) c.get(Setting.LISTEN_ADDR),
                baseDir.resolve((String) c.get(Setting.DATABASE_PATH)).normalize(),
                baseDir.resolve((String) c.get(Setting.MEDIA_CACHE_PATH)).normalize(),
                (List<String>) c.get(Setting.UPSTREAM_RELAYS),
                (int) c.get(Setting.MAX_CONCURRENT),
                (int) c.get(Setting.CACHE_EXPIRATION_DAYS),
                (String) c.get(Setting.DATABASE_URL),
                (String) c.get(Setting.DATABASE_USER),
                (String) c.get(Setting.DATABASE_PASSWORD),
                (int) c.get(Setting.DATABASE_PORT),
                (int) c.get(Setting.SQS_PORT),
                (int) c.get(Setting.S3_PORT),
                (String) c.get(Setting.STACK_NAME),
                (List<Integer>) c.get(Setting.INGEST_KINDS),
                (int) c.get(Setting.RELAY_DISCOVERY_CAP),
                (int) c.get(Setting.BACKFILL_DAYS),
                (int) c.get(Setting.BACKFILL_RATE),
                (int) c.get(Setting.FUNCTION_CONCURRENCY),
                (int) c.get(Setting.LOCAL_RETRY_DELAY_SECONDS),
                (int) c.get(Setting.LOCAL_VISIBILITY_TIMEOUT_SECONDS),
                (int) c.get(Setting.LOCAL_QUEUE_BACKLOG_MESSAGES),
                (int) c.get(Setting.MANAGEMENT_PORT),
                (int) c.get(Setting.GATEWAY_IDLE_TIMEOUT_SECONDS),
                (int) c.get(Setting.GATEWAY_MAX_CONNECTION_SECONDS),
                (int) c.get(Setting.GATEWAY_CONCURRENCY),
                (List<String>) c.get(Setting.BLOCKED_SOURCE_IPS),
                (boolean) c.get(Setting.AVATAR_CACHE),
                (boolean) c.get(Setting.ALLOW_PRIVATE_ORIGINS),
                (String) c.get(Setting.ADMIN_TOKEN),
                (int) c.get(Setting.AVATAR_URL_LIFETIME_SECONDS),
                (String) c.get(Setting.AVATAR_ORIGIN_FAILURE),
                (int) c.get(Setting.AVATAR_RETRY_SECONDS),
                (int) c.get(Setting.AVATAR_REDIRECT_CACHE_SECONDS),
                (int) c.get(Setting.UPSTREAM_QUERY_SECONDS),
                (URI) c.get(Setting.SQS_ENDPOINT),
                (URI) c.get(Setting.S3_ENDPOINT),
                (int) c.get(Setting.AVATAR_OBJECT_EXPIRATION_DAYS),
                (int) c.get(Setting.OUTAGE_RETRY_SECONDS),
                (int) c.get(Setting.CLIENT_MESSAGES_PER_SECOND),
                (int) c.get(Setting.CLIENT_MESSAGE_BURST),
                (int) c.get(Setting.PROFILE_LOOKUP_MS),
                (String) c.get(Setting.HOME_LATEST_OF));
    }

}
