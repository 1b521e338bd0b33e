package io.cpner.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cpner.inference.text.WindowPlanner.Window;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowPlannerTest {
  @Test
  void shouldUseOneWindowWhenEverythingFits() {
    List<Window> windows = new WindowPlanner(16, 4).plan(new int[] {1, 2, 3, 4, 6});
    assertEquals(List.of(new Window(0, 5, 0, 5)), windows);
  }

  @Test
  void shouldOverlapWindowsAndSplitOwnershipInTheMiddleOfTheOverlap() {
    // given ten one-piece words and windows of 4 pieces overlapping by 1
    List<Window> windows = new WindowPlanner(4, 1).plan(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    // then windows [0,4) [3,7) [6,10) share one word each, owned by the later window
    assertEquals(List.of(new Window(0, 4, 0, 4), new Window(3, 7, 4, 7), new Window(6, 10, 7, 10)), windows);
  }

  @Test
  void shouldGiveEveryWordToExactlyOneWindowThatContainsIt() {
    Random random = new Random(7);
    for (int trial = 0; trial < 500; trial++) {
      int max = 4 + random.nextInt(60);
      WindowPlanner planner = new WindowPlanner(max, random.nextInt(max / 4 + 1));
      int[] counts = new int[random.nextInt(300)];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = random.nextInt(planner.maxPiecesPerWord() + 1); // includes words with no pieces
      }
      List<Window> windows = planner.plan(counts);
      int next = 0;
      for (Window w : windows) {
        assertEquals(next, w.ownFirst(), "ownership is contiguous");
        assertTrue(w.first() <= w.ownFirst() && w.ownEnd() <= w.end(), "a window owns only words it holds: " + w);
        int pieces = 0;
        for (int i = w.first(); i < w.end(); i++) {
          pieces += counts[i];
        }
        assertTrue(pieces <= max, "window of " + pieces + " pieces exceeds " + max);
        next = w.ownEnd();
      }
      assertEquals(counts.length, next, "every word is owned");
    }
  }

  @Test
  void shouldRejectAnOverlapOverAQuarterWindow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WindowPlanner(16, 5));
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
  }
}
