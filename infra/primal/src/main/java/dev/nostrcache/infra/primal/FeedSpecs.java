package dev.nostrcache.infra.primal;

/**
 * The fixed documents of the API: the home and reads feed lists (each spec is a JSON string the client sends back
 * to {@code mega_feed_directive}) and the default app settings. Every spec listed here is one we serve.
 */
final class FeedSpecs {
    static final String HOME_FEEDS = """
            [{"name":"Latest","spec":"{\\"id\\":\\"latest\\",\\"kind\\":\\"notes\\"}","description":"Notes from the people you follow, newest first","enabled":true},\
            {"name":"Latest with replies","spec":"{\\"id\\":\\"latest\\",\\"include_replies\\":true,\\"kind\\":\\"notes\\"}","description":"Notes and replies from the people you follow","enabled":true},\
            {"name":"Trending 24h","spec":"{\\"hours\\":24,\\"id\\":\\"global-trending\\",\\"kind\\":\\"notes\\"}","description":"Most engaging notes of the last 24 hours","enabled":true},\
            {"name":"Most zapped 4h","spec":"{\\"hours\\":4,\\"id\\":\\"most-zapped\\",\\"kind\\":\\"notes\\"}","description":"Most zapped notes of the last 4 hours","enabled":true},\
            {"name":"All notes","spec":"{\\"id\\":\\"all-notes\\",\\"kind\\":\\"notes\\"}","description":"Every note this cache has, newest first","enabled":false}]""";

    static final String READS_FEEDS = """
            [{"name":"Latest reads","spec":"{\\"id\\":\\"reads-feed\\",\\"kind\\":\\"reads\\"}","description":"Long-form articles, newest first","enabled":true},\
            {"name":"Reads from follows","spec":"{\\"kind\\":\\"reads\\",\\"scope\\":\\"follows\\"}","description":"Articles by the people you follow","enabled":true}]""";

    static final String DEFAULT_SETTINGS = """
            {"theme":"sunrise","feeds":[],"defaultZap":{"amount":21,"message":"Onward 🫡"},\
            "zapOptions":[{"amount":21,"emoji":"👍"},{"amount":420,"emoji":"🌿"},{"amount":1000,"emoji":"🤙"},\
            {"amount":5000,"emoji":"💜"},{"amount":10000,"emoji":"😍"},{"amount":100000,"emoji":"🚀"}],\
            "notifications":{"NEW_USER_FOLLOWED_YOU":true,"YOUR_POST_WAS_ZAPPED":true,"YOUR_POST_WAS_LIKED":true,\
            "YOUR_POST_WAS_REPOSTED":true,"YOUR_POST_WAS_REPLIED_TO":true,"YOU_WERE_MENTIONED_IN_POST":true}}""";

    private FeedSpecs() {
    }
}
