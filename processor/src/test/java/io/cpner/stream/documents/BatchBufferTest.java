package io.cpner.stream.documents;

import static io.cpner.stream.documents.StageFixtures.buffered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.avro.BufferedDocument;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchBufferTest {
  private KeyValueStore<String, BufferedDocument> store;

  @BeforeEach
  void openStore() {
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"), Serdes.String(),
        new InternalAvroSerde<>(BufferedDocument.class)).withLoggingDisabled().build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  @Test
  void shouldKeepDocumentsInArrivalOrderAndCountALongOneAsOnePartTowardsAFullBatch() {
    BatchBuffer buffer = new BatchBuffer(store, 40);
    buffer.put(buffered("c", "news", "C", 30, 0, 12, 300));
    buffer.put(buffered("a", "news", "A", 50, 0, 2, 100));
    buffer.put(buffered("b", "news", "B", 20, 0, 10, 200));
    assertEquals(3, buffer.size());
    assertEquals(40 + 20 + 30, buffer.tokens(), "a (50 pieces) is tagged in parts of 40");
    assertEquals(100, buffer.oldestBufferedAtMs());
    // offset 2, then 10, then 12 (offset 10 < 12 numerically, though "10" > "2" as text)
    assertEquals(List.of("a", "b", "c"), ids(buffer.inArrivalOrder()));
    assertTrue(buffer.isLong(buffer.inArrivalOrder().get(0)));
    assertTrue(buffer.hasWholeDocuments());
  }

  @Test
  void shouldForgetDoneDocumentsAndRestoreTheRestFromTheStore() {
    BatchBuffer buffer = new BatchBuffer(store, 100);
    BufferedDocument a = buffered("a", "news", "A", 5, 0, 1, 100);
    buffer.put(a);
    buffer.put(buffered("b", "news", "B", 7, 1, 1, 150));
    buffer.remove(a);
    assertEquals(1, buffer.size());
    assertEquals(7, buffer.tokens());
    assertEquals(false, buffer.contains(a));
    // a restart rebuilds the same state from the store (the changelog restores it)
    BatchBuffer restored = new BatchBuffer(store, 100);
    assertEquals(List.of("b"), ids(restored.inArrivalOrder()));
    assertEquals(7, restored.tokens());
    assertEquals(150, restored.oldestBufferedAtMs());
  }

  @Test
  void shouldSayWhenOnlyLongDocumentsWait() {
    BatchBuffer buffer = new BatchBuffer(store, 10);
    BufferedDocument shortOne = buffered("s", "news", "S", 5, 0, 1, 100);
    buffer.put(buffered("l", "news", "L", 50, 0, 2, 100));
    buffer.put(shortOne);
    assertTrue(buffer.hasWholeDocuments());
    buffer.remove(shortOne);
    assertEquals(false, buffer.hasWholeDocuments());
  }

  private static List<String> ids(List<BufferedDocument> docs) {
    return docs.stream().map(BufferedDocument::getId).toList();
  }
}
