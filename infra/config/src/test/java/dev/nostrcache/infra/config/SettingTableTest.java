package dev.nostrcache.infra.config;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table is the catalog's: a key, a default or a line changed in one is a failure here. */
class SettingTableTest {

    static String row(Setting s) {
        String value = s.defaultValue();
        String shown = switch (s.type()) {
            case LIST, RELAYS, KINDS -> value.isEmpty() ? "`[]`"
                    : String.join(", ", Arrays.stream(value.split(",")).map(v -> "`" + v + "`").toList());
            default -> value.isEmpty() ? "(empty)" : "`" + value + "`";
        };
        String where = s.scope() == Setting.Scope.AWS ? "AWS functions only: " : "";
        return "| `" + s.key() + "` | " + shown + " | " + where + s.doc() + " |";
    }

    @Test
    void theReadmeTableListsEverySettingAsTheCatalogDeclaresIt() throws IOException {
        List<String> expected = new ArrayList<>();
        for (Setting s : Setting.values()) {
            expected.add(row(s));
        }
        List<String> readme = Files.readAllLines(TestData.repoRoot().resolve("README.md"));
        int header = readme.indexOf("| key | default | meaning |");
        assertThat(header).as("the README has the configuration table").isPositive();
        List<String> rows = new ArrayList<>();
        for (int i = header + 2; i < readme.size() && readme.get(i).startsWith("|"); i++) {
            rows.add(readme.get(i));
        }
        assertThat(rows).as("README.md's table (the expected rows can be pasted as they are)").isEqualTo(expected);
    }

    @Test
    void everyDefaultIsAValidValueAndEveryKeyIsUnique() {
        for (Setting s : Setting.values()) {
            assertThat(Setting.byKey(s.key())).isSameAs(s);
            s.parse(s.defaultValue());
        }
        assertThat(ConfigLoader.DEFAULTS.keySet()).doesNotContain("outage_retry_seconds").contains("listen_addr");
    }
}
