package io.cpner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected spans are those of seqeval's {@code get_entities}, with an exclusive end. */
class SpanExtractorTest {

  @Test
  void shouldReadBeginInsideRunAsOneEntity() {
    // given
    List<String> tags = List.of("B-PER", "I-PER", "O", "B-LOC");

    // when
    List<Span> spans = SpanExtractor.extract(tags);

    // then: seqeval gives [('PER', 0, 1), ('LOC', 3, 3)] with inclusive ends
    assertEquals(List.of(new Span("PER", 0, 2), new Span("LOC", 3, 4)), spans);
  }

  @Test
  void shouldStartEntityAtInsideTagAfterOutside() {
    assertEquals(List.of(new Span("PER", 1, 3)), SpanExtractor.extract(List.of("O", "I-PER", "I-PER", "O")));
  }

  @Test
  void shouldStartEntityAtInsideTagOfFirstToken() {
    assertEquals(List.of(new Span("PER", 0, 1)), SpanExtractor.extract(List.of("I-PER", "O")));
  }

  @Test
  void shouldStartNewEntityWhenInsideTagChangesType() {
    // given
    List<String> tags = List.of("B-PER", "I-LOC", "I-LOC");

    // when
    List<Span> spans = SpanExtractor.extract(tags);

    // then
    assertEquals(List.of(new Span("PER", 0, 1), new Span("LOC", 1, 3)), spans);
  }

  @Test
  void shouldSplitAdjacentBeginTagsOfSameType() {
    assertEquals(List.of(new Span("PER", 0, 1), new Span("PER", 1, 3)),
        SpanExtractor.extract(List.of("B-PER", "B-PER", "I-PER")));
  }

  @Test
  void shouldCloseEntityThatRunsToTheEndOfTheSentence() {
    assertEquals(List.of(new Span("ORG", 1, 3)), SpanExtractor.extract(List.of("O", "B-ORG", "I-ORG")));
  }

  @Test
  void shouldReadIobesSingleAndEndTags() {
    // given
    List<String> tags = List.of("S-PER", "B-LOC", "I-LOC", "E-LOC", "E-LOC", "O", "B-PER", "E-PER", "I-PER");

    // when
    List<Span> spans = SpanExtractor.extract(tags);

    // then: E closes an entity, and an E or I right after it starts a new one
    assertEquals(List.of(new Span("PER", 0, 1), new Span("LOC", 1, 4), new Span("LOC", 4, 5),
        new Span("PER", 6, 8), new Span("PER", 8, 9)), spans);
  }

  @Test
  void shouldKeepDashedTypeWhole() {
    assertEquals(List.of(new Span("a-b", 0, 2)), SpanExtractor.extract(List.of("B-a-b", "I-a-b")));
  }

  @Test
  void shouldFindNoEntityInOutsideOnlyOrEmptySentence() {
    assertEquals(List.of(), SpanExtractor.extract(List.of("O", "O", "O")));
    assertEquals(List.of(), SpanExtractor.extract(List.of()));
  }

  @Test
  void shouldRejectMalformedTagNamingItsIndex() {
    // when
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> SpanExtractor.extract(List.of("O", "PER", "O")));

    // then
    assertEquals("tag at index 1 of 3: expected O or a tag like B-type, I-type, E-type or S-type, found 'PER'",
        error.getMessage());
  }
}
