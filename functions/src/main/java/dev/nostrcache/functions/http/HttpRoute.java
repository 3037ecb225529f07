package dev.nostrcache.functions.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route of the HTTP API and the function behind it: the one list that the SAM template is checked against
 * and that the local gateway routes by. Paths use API Gateway's syntax ({@code {name}} is one path segment).
 */
public enum HttpRoute {
    RELAY_INFO("GET", "/", "relayInfo"),
    RELAY_INFO_PREFLIGHT("OPTIONS", "/", "relayInfo"),
    HEALTH("GET", "/health", "health"),
    PROFILE_PIC("GET", "/profile-pic/{pubkey}", "profilePic"),
    BATCH_CACHE("POST", "/batch-cache", "avatarJobs"),
    BATCH_CACHE_PROGRESS("GET", "/batch-cache/{jobId}", "avatarJobs"),
    CACHE_FOLLOWS("GET", "/cache-follows/{pubkey}", "avatarJobs"),
    PURGE_CACHE("POST", "/purge-cache/{cacheType}", "avatarAdmin"),
    PURGE_CACHE_DELETE("DELETE", "/purge-cache/{cacheType}", "avatarAdmin"),
    PURGE_PROFILE_PIC("POST", "/purge-profile-pic/{pubkey}", "avatarAdmin"),
    PURGE_PROFILE_PIC_DELETE("DELETE", "/purge-profile-pic/{pubkey}", "avatarAdmin"),
    EXAMPLE_PAGE("GET", "/profile-pic-example.html", "examplePage");

    private final String method;
    private final String path;
    private final String function;

    HttpRoute(String method, String path, String function) {
        this.method = method;
        this.path = path;
        this.function = function;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String function() {
        return function;
    }

    /** API Gateway's route key, e.g. {@code GET /profile-pic/{pubkey}}. */
    public String routeKey() {
        return method + " " + path;
    }

    /** The path parameters when {@code requestPath} matches this route's path, else null. */
    public Map<String, String> match(String requestPath) {
        List<String> want = segments(path);
        List<String> got = segments(requestPath);
        if (want.size() != got.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            if (w.startsWith("{") && w.endsWith("}")) {
                if (got.get(i).isEmpty()) {
                    return null;
                }
                parameters.put(w.substring(1, w.length() - 1), got.get(i));
            } else if (!w.equals(got.get(i))) {
                return null;
            }
        }
        return parameters;
    }

    private static List<String> segments(String path) {
        return path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
    }
}
