package dev.nostrcache.infra.primal;

import dev.nostrcache.core.nip.Nip19;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Primal's search syntax ({@code advsearch} feeds), the part a cache can answer from its full-text index: words and
 * {@code "phrases"} (every word must match), {@code -word} (must not), {@code #hashtag}, {@code from:} (npub or hex),
 * {@code kind:}, {@code since:}/{@code until:} (a date {@code YYYY-MM-DD}, or {@code yesterday}, {@code lastweek},
 * {@code lastmonth}, {@code lastyear}). Other operators of Primal's ({@code scope:}, {@code filter:},
 * {@code minwords:}, {@code orderby:}...) are recognised and left out, listed in {@link #ignored}, rather than searched
 * for as words.
 */
record SearchQuery(List<String> words, List<String> excluded, List<String> hashtags, List<String> authors,
                   List<Integer> kinds, Long since, Long until, List<String> ignored) {

    private static final long DAY = 86_400;

    static SearchQuery parse(String query, long nowSeconds) throws PrimalException {
        List<String> words = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<String> hashtags = new ArrayList<>();
        List<String> authors = new ArrayList<>();
        List<Integer> kinds = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Long since = null;
        Long until = null;
        for (String token : tokens(query)) {
            int colon = token.indexOf(':');
            String operator = colon > 0 ? token.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            String value = colon > 0 ? token.substring(colon + 1) : token;
            switch (operator) {
                case "from" -> {
                    String pubkey = Nip19.pubkeyFrom(value);
                    if (pubkey == null) {
                        throw new PrimalException("invalid pubkey");
                    }
                    authors.add(pubkey);
                }
                case "kind" -> {
                    try {
                        kinds.add(Integer.parseInt(value));
                    } catch (NumberFormatException e) {
                        throw new PrimalException("invalid kind: " + value);
                    }
                }
                case "since" -> since = time(value, nowSeconds, false);
                case "until" -> until = time(value, nowSeconds, true);
                case "" -> {
                    if (token.startsWith("#") && token.length() > 1) {
                        hashtags.add(token.substring(1).toLowerCase(Locale.ROOT));
                    } else if (token.startsWith("-") && token.length() > 1) {
                        excluded.add(token.substring(1));
                    } else {
                        words.add(token);
                    }
                }
                default -> {
                    if (token.startsWith("http")) {
                        words.add(token); // a link is searched for, not read as an operator
                    } else {
                        ignored.add(token);
                    }
                }
            }
        }
        return new SearchQuery(words, excluded, hashtags, authors, kinds.isEmpty() ? List.of(1) : kinds, since, until,
                ignored);
    }

    /** Whitespace-separated tokens; a double-quoted phrase is one token without its quotes. */
    private static List<String> tokens(String query) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : query.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!current.isEmpty()) {
                    out.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    /** A date's first second (its last, for {@code endOfDay}), or the start of a span before now, in unix seconds. */
    private static long time(String value, long nowSeconds, boolean endOfDay) throws PrimalException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yesterday" -> nowSeconds - DAY;
            case "lastweek" -> nowSeconds - 7 * DAY;
            case "lastmonth" -> nowSeconds - 30 * DAY;
            case "lastyear" -> nowSeconds - 365 * DAY;
            default -> {
                try {
                    long start = LocalDate.parse(value).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
                    yield endOfDay ? start + DAY - 1 : start;
                } catch (DateTimeParseException e) {
                    throw new PrimalException("invalid date: " + value);
                }
            }
        };
    }
}
