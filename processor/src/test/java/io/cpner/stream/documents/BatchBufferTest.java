package io.cpner.stream.documents;

import static io.cpner.stream.documents.StageFixtures.buffered;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
  void shouldHandOutBatchesInArrivalOrderWithinTheDocumentAndTokenLimits() {
    BatchBuffer buffer = new BatchBuffer(store);
    buffer.put(buffered("c", "news", "C", 30, 0, 12, 300));
    buffer.put(buffered("a", "news", "A", 50, 0, 2, 100));
    buffer.put(buffered("b", "news", "B", 40, 0, 10, 200));
    assertEquals(3, buffer.size());
    assertEquals(120, buffer.tokens());
    assertEquals(100, buffer.oldestBufferedAtMs());
    // offset 2, then 10, then 12 (offset 10 < 12 numerically, though "10" > "2" as text)
    assertEquals(List.of("a", "b", "c"), ids(buffer.peekBatch(10, 1_000)));
    assertEquals(List.of("a", "b"), ids(buffer.peekBatch(2, 1_000)));
    assertEquals(List.of("a"), ids(buffer.peekBatch(10, 80)));
    assertEquals(List.of("a"), ids(buffer.peekBatch(10, 10)), "a batch holds at least one document");
  }

  @Test
  void shouldForgetDoneDocumentsAndRestoreTheRestFromTheStore() {
    BatchBuffer buffer = new BatchBuffer(store);
    BufferedDocument a = buffered("a", "news", "A", 5, 0, 1, 100);
    buffer.put(a);
    buffer.put(buffered("b", "news", "B", 7, 1, 1, 150));
    buffer.remove(List.of(a));
    assertEquals(1, buffer.size());
    assertEquals(7, buffer.tokens());
    // a restart rebuilds the same state from the store (the changelog restores it)
    BatchBuffer restored = new BatchBuffer(store);
    assertEquals(List.of("b"), ids(restored.peekBatch(10, 100)));
    assertEquals(7, restored.tokens());
    assertEquals(150, restored.oldestBufferedAtMs());
  }

  private static List<String> ids(List<BufferedDocument> docs) {
    return docs.stream().map(BufferedDocument::getId).toList();
  }
}
