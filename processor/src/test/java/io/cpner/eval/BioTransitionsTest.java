package io.cpner.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BioTransitionsTest {
  private static final List<String> LABELS = List.of("O", "B-a", "I-a", "B-b", "I-b");

  @Test
  void shouldAllowInsideOnlyAfterTheSameTypesBeginOrInside() {
    boolean[][] allowed = BioTransitions.allowed(LABELS);
    assertArrayEquals(new boolean[] {true, true, false, true, false}, allowed[0]); // O -> I-x forbidden
    assertArrayEquals(new boolean[] {true, true, true, true, false}, allowed[1]); // B-a -> I-a only
    assertArrayEquals(new boolean[] {true, true, true, true, false}, allowed[2]); // I-a -> I-a
    assertArrayEquals(new boolean[] {true, true, false, true, true}, allowed[3]); // B-b -> I-b only
    assertArrayEquals(new boolean[] {true, true, false, true, false}, BioTransitions.allowedAtStart(LABELS));
  }

  @Test
  void shouldRewriteAnInsideThatStartsAnEntityAsBeginKeepingTheSameEntities() {
    List<String> tags = List.of("I-a", "I-a", "O", "I-b", "B-a", "I-b", "I-b");
    List<String> canonical = BioTransitions.canonical(tags);
    assertEquals(List.of("B-a", "I-a", "O", "B-b", "B-a", "B-b", "I-b"), canonical);
    assertEquals(SpanExtractor.extract(tags), SpanExtractor.extract(canonical));
  }
}
