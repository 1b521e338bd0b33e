package io.cpner.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.eval.BioTag.Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BioTagTest {

  @Test
  void shouldParsePrefixAndTypeOfEntityTag() {
    // when
    BioTag tag = BioTag.parse("I-politicalparty");

    // then
    assertEquals(new BioTag(Prefix.I, "politicalparty"), tag);
    assertEquals("I-politicalparty", tag.toString());
  }

  @Test
  void shouldKeepDashesAfterTheFirstInTheType() {
    assertEquals(new BioTag(Prefix.B, "a-b"), BioTag.parse("B-a-b"));
  }

  @Test
  void shouldParseOutsideTagWithEmptyType() {
    // when
    BioTag tag = BioTag.parse("O");

    // then
    assertTrue(tag.isOutside());
    assertEquals("", tag.type());
    assertEquals("O", tag.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "o", "B", "B-", "X-PER", "B_PER", "PER", "O-PER", "B-New York"})
  void shouldRejectMalformedTagNamingIt(String malformed) {
    // when
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> BioTag.parse(malformed));

    // then
    assertTrue(error.getMessage().contains("found '" + malformed + "'"), error.getMessage());
  }

  @Test
  void shouldRejectNullTag() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> BioTag.parse(null));
    assertEquals("expected O or a tag like B-type, found null", error.getMessage());
  }

  @Test
  void shouldListOutsideThenBeginAndInsideOfEachTypeInSortedOrder() {
    // given types out of order and repeated
    List<String> types = List.of("person", "location", "person", "misc");

    // when
    List<String> labels = BioTag.labels(types);

    // then
    assertEquals(List.of("O", "B-location", "I-location", "B-misc", "I-misc", "B-person", "I-person"), labels);
  }

  @Test
  void shouldListOnlyOutsideWhenThereAreNoTypes() {
    assertEquals(List.of("O"), BioTag.labels(List.of()));
  }

  @Test
  void shouldRejectTypeWithWhitespaceInLabelList() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> BioTag.labels(List.of("New York")));
    assertTrue(error.getMessage().contains("found 'B-New York'"), error.getMessage());
  }
}
