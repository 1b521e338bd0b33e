package io.cpner.inference.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordShapeTest {
  @Test
  void shouldClassifyEachWordsShapeAndMarkCapitalsAfterTheFirstWord() {
    float[] f = WordShape.features(List.of("The", "NASA", "probe", "B52", "3.14", "(", "Zürich", ".", "Then"));
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0}, row(f, 0), "The: Capitalised, sentence-initial");
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, row(f, 1), "NASA: ALLCAPS, not initial");
    assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0}, row(f, 2), "probe: lower");
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1}, row(f, 3), "B52: Capitalised (one letter)");
    assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0}, row(f, 4), "3.14: has-digit");
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0}, row(f, 5), "(: other");
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1}, row(f, 6), "Zürich: Capitalised");
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0}, row(f, 8), "Then after '.': initial");
  }

  private static float[] row(float[] f, int word) {
    return java.util.Arrays.copyOfRange(f, word * WordShape.SIZE, (word + 1) * WordShape.SIZE);
  }
}
