package io.cpner.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.FloatArrays;
import io.cpner.SharedPlm;
import io.cpner.TestPrefixes;
import io.cpner.inference.text.WordSplitter;
import io.cpner.model.Plm;
import io.cpner.model.onnx.PrefixedEncoderGraph.Precision;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both encoder backends compute the same pass: ONNX Runtime over the graph built from the loaded
 * weights against libtorch through DJL, on a mixed-domain batch and with the shipped prefixes.
 */
class EncoderBackendParityTest {
  private static final List<String> TEXTS = List.of(
      "The European Commission said on Thursday it disagreed with German advice to consumers.",
      "Marie Curie discovered polonium and radium in Paris with Pierre Curie.",
      "The Beatles released Abbey Road in 1969 on Apple Records.",
      "Angela Merkel met Emmanuel Macron in Berlin on Monday to discuss the budget of the European Union.",
      "CRISPR-Cas9 was adapted for genome editing by Jennifer Doudna and Emmanuelle Charpentier.",
      "Miles Davis recorded Kind of Blue at Columbia's 30th Street Studio in New York City.",
      "Geoffrey Hinton received the Turing Award for work on deep neural networks at the University of Toronto.",
      "Leo Tolstoy wrote War and Peace, first published in The Russian Messenger.");
  private static Plm plm;
  private static AllBackends backends;

  @BeforeAll
  static void open() {
    plm = SharedPlm.get();
    backends = AllBackends.open(plm);
  }

  @AfterAll
  static void close() {
    backends.close();
  }

  @Test
  void shouldGiveTheSameHiddenStatesOnAMixedDomainBatchWithPaddedPrefixes() {
    // given rows of different lengths with prefixes of 10, 4 and 0 slots and a row with none
    List<DomainPrefix> prefixes = Arrays.asList(
        TestPrefixes.random(plm, "a", 10, 1), TestPrefixes.random(plm, "b", 4, 2),
        TestPrefixes.random(plm, "c", 0, 3), null);
    List<long[]> rows = new ArrayList<>();
    List<DomainPrefix> rowPrefixes = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      rows.add(ids(TEXTS.get(i)));
      rowPrefixes.add(prefixes.get(i % prefixes.size()));
    }
    long[] positions = HiddenStates.allPositions(rows);
    // when both backends run the pass
    float[] expected = backends.torch().hiddenAt(rows, rowPrefixes, positions);
    float[] actual = backends.ortFp32().hiddenAt(rows, rowPrefixes, positions);
    // then every hidden state agrees to float32 accumulation error
    assertEquals(expected.length, actual.length);
    assertEquals(0, FloatArrays.maxAbsDiff(expected, actual), 2e-4);
    // and int8 linear layers stay close in direction (per word cosine)
    float[] int8 = backends.ortInt8().hiddenAt(rows, rowPrefixes, positions);
    assertTrue(HiddenStates.minCosine(expected, int8, plm.config().hidden()) > 0.97, "int8 cosine " + HiddenStates.minCosine(expected, int8, plm.config().hidden()));
  }

  @Test
  void shouldGiveARowTheSameInt8HiddenStatesAloneAsInABatchWithOthers() {
    // given a short row, and the same row in a batch with longer ones (one with a large activation range)
    DomainPrefix prefix = TestPrefixes.random(plm, "a", 10, 1);
    List<long[]> batch = TEXTS.stream().map(EncoderBackendParityTest::ids).toList();
    long[] row = batch.get(0);
    // when the int8 encoder runs it alone and in the batch
    float[] alone = backends.ortInt8().hiddenAt(List.of(row), List.of(prefix), HiddenStates.allPositions(List.of(row)));
    long[] inBatch = new long[row.length]; // its pieces: row 0 of the batch, whose rows are padded to the longest
    for (int t = 0; t < row.length; t++) {
      inBatch[t] = t;
    }
    float[] batched = backends.ortInt8().hiddenAt(batch, Collections.nCopies(batch.size(), prefix), inBatch);
    // then its hidden states are the same up to float rounding: each token is quantized on its own,
    // so a document's entities do not depend on what it is batched with
    assertEquals(0, FloatArrays.maxAbsDiff(alone, batched), 1e-4);
  }

  @Test
  void shouldMixTheLastLayersWithEachWordsOwnWeightsOnBothBackends() {
    // given one batch where each word weighs the last layers differently
    List<long[]> rows = TEXTS.subList(0, 4).stream().map(EncoderBackendParityTest::ids).toList();
    List<DomainPrefix> rowPrefixes = Arrays.asList(TestPrefixes.random(plm, "a", 4, 1), null, TestPrefixes.random(plm, "b", 4, 2), null);
    long[] positions = HiddenStates.allPositions(rows);
    int k = backends.torch().exposedLayers();
    assertEquals(4, k);
    float[] mix = new float[positions.length * k];
    java.util.Random random = new java.util.Random(9);
    for (int i = 0; i < mix.length; i++) {
      mix[i] = random.nextFloat();
    }
    // when both backends run it
    float[] expected = backends.torch().hiddenAt(rows, rowPrefixes, positions, mix);
    float[] actual = backends.ortFp32().hiddenAt(rows, rowPrefixes, positions, mix);
    // then they agree, and the mix is not the last layer alone
    assertEquals(0, FloatArrays.maxAbsDiff(expected, actual), 5e-4);
    float[] last = backends.ortFp32().hiddenAt(rows, rowPrefixes, positions);
    assertTrue(FloatArrays.maxAbsDiff(last, actual) > 0.1);
    // and weights (0, 0, 0, 1) are exactly the last layer
    float[] lastOnly = new float[positions.length * k];
    for (int p = 0; p < positions.length; p++) {
      lastOnly[p * k + k - 1] = 1f;
    }
    assertEquals(0, FloatArrays.maxAbsDiff(last, backends.ortFp32().hiddenAt(rows, rowPrefixes, positions, lastOnly)), 0);
  }

  @Test
  void shouldFindTheSameEntitiesWithTheShippedPrefixes() throws IOException {
    // given the shipped prefixes of three domains, interleaved in one batch
    List<DomainPrefix> shipped = List.of(shipped("conll2003"), shipped("politics"), shipped("science"), shipped("music"));
    List<NerEngine.Request> requests = new ArrayList<>();
    for (int i = 0; i < TEXTS.size() * 2; i++) {
      requests.add(new NerEngine.Request(TEXTS.get(i % TEXTS.size()), shipped.get(i % shipped.size())));
    }
    EngineOptions options = EngineOptions.defaults(plm.maxPieces());
    NerEngine onTorch = new NerEngine(plm, options, backends.torch());
    NerEngine onOrt = new NerEngine(plm, options, EncoderBackend.ONNXRUNTIME.open(plm, Precision.FP32, 2));
    try (onOrt) {
      List<List<Entity>> expected = onTorch.tag(requests);
      List<List<Entity>> actual = onOrt.tag(requests);
      int entities = 0;
      for (int i = 0; i < requests.size(); i++) {
        assertEquals(spans(expected.get(i)), spans(actual.get(i)), "request " + i);
        for (int e = 0; e < expected.get(i).size(); e++) {
          assertEquals(expected.get(i).get(e).score(), actual.get(i).get(e).score(), 1e-3);
        }
        entities += expected.get(i).size();
      }
      assertTrue(entities >= 20, "the shipped prefixes should find entities in these texts, found " + entities);
    }
  }

  private static List<List<Object>> spans(List<Entity> entities) {
    return entities.stream().map(e -> List.<Object>of(e.text(), e.type(), e.start(), e.end())).toList();
  }

  private static DomainPrefix shipped(String domain) throws IOException {
    DomainPrefix prefix = PrefixCodec.read(Path.of("..", "prefixes", "minilm", domain));
    prefix.requireCompatible(plm.identity());
    return prefix;
  }

  private static long[] ids(String text) {
    List<String> words = WordSplitter.split(text).stream().map(WordSplitter.Word::text).toList();
    long[] pieces = plm.tokenizer().pieces(words).ids();
    long[] row = new long[pieces.length + 2];
    row[0] = plm.tokenizer().clsId();
    System.arraycopy(pieces, 0, row, 1, pieces.length);
    row[row.length - 1] = plm.tokenizer().sepId();
    return row;
  }
}
