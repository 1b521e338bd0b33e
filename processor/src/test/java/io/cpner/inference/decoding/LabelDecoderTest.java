package io.cpner.inference.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.eval.Span;
import io.cpner.prefix.CrfTransitions;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import io.cpner.prefix.PrefixKind;
import io.cpner.prefix.PrefixMetadata;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding a document's labels from its head logits, with and without a CRF (no model needed). */
class LabelDecoderTest {
  private static final List<String> LABELS = List.of("O", "B-book", "I-book", "B-writer", "I-writer");

  @Test
  void shouldKeepAMultiWordTitleWholeWhereArgmaxBreaksIt() {
    // given "Pride and Prejudice": the last word alone looks more like the start of a title
    float[] logits = {
        0, 3, 0, 0, 0, // Pride: B-book
        1, 0, 2, 0, 0, // and: I-book
        0, 2.2f, 2, 0, 0}; // Prejudice: B-book 2.2 vs I-book 2.0
    boolean[] scored = {true, true, true};
    // when decoded word by word, the title breaks in two
    LabelDecoder.Decoded argmax = LabelDecoder.decode(prefix(null), logits, scored);
    assertEquals(List.of("B-book", "I-book", "B-book"), argmax.labels());
    assertEquals(2, argmax.entities().size());
    // when decoded with a CRF that learned titles continue, it is one entity with a probability as score
    float[] transitions = new float[25];
    transitions[1 * 5 + 2] = 2f; // B-book -> I-book
    transitions[2 * 5 + 2] = 2f; // I-book -> I-book
    LabelDecoder.Decoded crf = LabelDecoder.decode(prefix(CrfTransitions.of(LABELS, transitions, new float[5], new float[5])),
        logits, scored);
    assertEquals(List.of("B-book", "I-book", "I-book"), crf.labels());
    assertEquals(List.of(new Span("book", 0, 3)), crf.entities().stream().map(LabelDecoder.ScoredSpan::span).toList());
    double score = crf.entities().get(0).score();
    assertTrue(score > 0.5 && score < 1, "score " + score);
  }

  @Test
  void shouldLabelWordsWithoutPiecesOutsideAndDecodeAroundThem() {
    // given three words, the middle one without logits (no word pieces), each side a writer
    float[] logits = {0, 0, 0, 5, 0, 9, 9, 9, 9, 9, 0, 0, 0, 5, 0};
    CrfTransitions crf = CrfTransitions.of(LABELS, new float[25], new float[5], new float[5]);
    LabelDecoder.Decoded decoded = LabelDecoder.decode(prefix(crf), logits, new boolean[] {true, false, true});
    assertEquals(List.of("B-writer", "O", "B-writer"), decoded.labels());
    assertEquals(2, decoded.entities().size());
  }

  private static DomainPrefix prefix(CrfTransitions crf) {
    PrefixMetadata metadata = new PrefixMetadata("books", 1, PrefixKind.TRAINED, LABELS, List.of(), null, null, "plm", "00",
        0, HeadInput.HIDDEN, null, "2026-12-02T00:00:00Z");
    List<float[]> empty = new ArrayList<>(List.of(new float[0]));
    return new DomainPrefix(metadata, 1, 1, empty, empty, new float[5], new float[5], DomainPrefix.LAST_LAYER_ONLY, crf);
  }
}
