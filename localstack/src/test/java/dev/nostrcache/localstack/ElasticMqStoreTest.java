package dev.nostrcache.localstack;

import dev.nostrcache.localstack.ElasticMqStore.RowWrite;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group's merged write leaves a message's row as its writes one by one would, for every sequence ElasticMQ can send
 * (a send, receives, a delete; and, should one ever come, a send again after a delete).
 */
class ElasticMqStoreTest {
    /** A message's row as SQL leaves it: absent, or present at the version of the message last written. */
    private record Row(boolean present, int version) {
        static final Row ABSENT = new Row(false, 0);

        /** The statement for {@code write} of the message at {@code version}; an insert over a row fails. */
        Row after(RowWrite write, int version) {
            return switch (write) {
                case INSERT -> {
                    assertThat(present).as("an insert over a stored row").isFalse();
                    yield new Row(true, version);
                }
                case UPDATE -> present ? new Row(true, version) : this;
                case DELETE -> ABSENT;
                case DELETE_THEN_INSERT -> ABSENT.after(RowWrite.INSERT, version);
            };
        }
    }

    private static final RowWrite[] SINGLE = {RowWrite.INSERT, RowWrite.UPDATE, RowWrite.DELETE};

    @Test
    void everySequenceOfUpToFiveWritesMergesToTheWritesOneByOne() {
        int checked = 0;
        for (int length = 1; length <= 5; length++) {
            for (List<RowWrite> writes : sequences(length)) {
                for (Row start : List.of(Row.ABSENT, new Row(true, 0))) {
                    if (!valid(start, writes)) {
                        continue;
                    }
                    Row oneByOne = start;
                    RowWrite merged = null; // as the store's group keeps it: none yet, or none left
                    for (int i = 0; i < writes.size(); i++) {
                        oneByOne = oneByOne.after(writes.get(i), i + 1);
                        merged = merged == null ? writes.get(i) : merged.then(writes.get(i));
                    }
                    Row mergedRow = merged == null ? start : start.after(merged, writes.size());
                    assertThat(mergedRow).as("%s from %s merged to %s", writes, start, merged).isEqualTo(oneByOne);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    /** No insert over a row that the writes before it left stored: ElasticMQ's message ids are new for each send. */
    private static boolean valid(Row start, List<RowWrite> writes) {
        boolean present = start.present();
        for (RowWrite write : writes) {
            if (write == RowWrite.INSERT && present) {
                return false;
            }
            present = write != RowWrite.DELETE && (present || write == RowWrite.INSERT);
        }
        return true;
    }

    private static List<List<RowWrite>> sequences(int length) {
        List<List<RowWrite>> all = new ArrayList<>();
        all.add(List.of());
        for (int i = 0; i < length; i++) {
            List<List<RowWrite>> longer = new ArrayList<>();
            for (List<RowWrite> sequence : all) {
                for (RowWrite write : SINGLE) {
                    List<RowWrite> next = new ArrayList<>(sequence);
                    next.add(write);
                    longer.add(next);
                }
            }
            all = longer;
        }
        return all;
    }
}
