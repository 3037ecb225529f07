package dev.nostrcache.localstack.bench;

import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated corpus shaped like the design's benchmark: 20 % profiles, 5 % contact lists of 50-500 follows, 50 %
 * notes, 20 % reactions, 5 % zap receipts, by a quarter as many authors, signed with keys derived from a seed (so a
 * run is repeatable). Every event is distinct and none supersedes another, so all of them end up stored.
 */
final class BenchCorpus {
    private BenchCorpus() {
    }

    static List<String> generate(int count, long seed) {
        Random random = new Random(seed);
        BouncyCastleSchnorr schnorr = new BouncyCastleSchnorr();
        // At least as many authors as profiles (20 %) and as contact lists (5 %): none replaces another.
        int authors = Math.max(10, count / 4);
        List<EventSigner> signers = new ArrayList<>();
        for (int i = 0; i < authors; i++) {
            signers.add(new EventSigner(schnorr, Sha256.digest(("bench-key-" + seed + "-" + i).getBytes(StandardCharsets.UTF_8))));
        }
        List<String> notes = new ArrayList<>();
        List<String> events = new ArrayList<>(count);
        long base = 1_700_000_000L;
        int profiles = 0;
        int contactLists = 0;
        for (int i = 0; i < count; i++) {
            int roll = i % 20;
            long at = base + i;
            String json;
            if (roll < 4) {
                EventSigner signer = signers.get(profiles++ % authors);
                json = signer.sign(at, 0, List.of(),
                        "{\"name\":\"bench " + i + "\",\"about\":\"generated for the benchmark\"}").toJson();
            } else if (roll == 4) {
                EventSigner signer = signers.get(contactLists++ % authors);
                int follows = 50 + random.nextInt(451);
                List<List<String>> tags = new ArrayList<>();
                for (int f = 0; f < follows; f++) {
                    tags.add(List.of("p", signers.get(random.nextInt(authors)).pubkey()));
                }
                json = signer.sign(at, 3, tags, "").toJson();
            } else if (roll < 15 || notes.isEmpty()) {
                Event note = signers.get(random.nextInt(authors)).sign(at, 1, List.of(),
                        "benchmark note " + i + " " + Long.toHexString(random.nextLong()));
                notes.add(note.id() + ":" + note.pubkey());
                json = note.toJson();
            } else if (roll < 19) {
                String[] target = notes.get(random.nextInt(notes.size())).split(":");
                json = signers.get(random.nextInt(authors)).sign(at, 7,
                        List.of(List.of("e", target[0]), List.of("p", target[1])), "+").toJson();
            } else {
                String[] target = notes.get(random.nextInt(notes.size())).split(":");
                String sender = signers.get(random.nextInt(authors)).pubkey();
                json = signers.get(0).sign(at, 9735, List.of(List.of("p", target[1]), List.of("e", target[0]),
                        List.of("bolt11", "lnbc" + (10 + random.nextInt(990)) + "n1pbench"),
                        List.of("description", "{\"kind\":9734,\"pubkey\":\"" + sender + "\",\"content\":\"\",\"tags\":[]}")),
                        "").toJson();
            }
            events.add(json);
        }
        return events;
    }
}
