package io.cpner.training;

import java.io.PrintStream;
import java.time.Duration;

/** One self-overwriting status line: epoch, step, loss, dev F1, best so far, and time left. */
public final class ProgressBar {
  private final PrintStream out;
  private final boolean interactive;
  private final long start = System.nanoTime();

  /**
   * @param interactive overwrite the line in place (a terminal) or print a line per epoch (a log)
   */
  public ProgressBar(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** A bar that prints nothing (tests). */
  public static ProgressBar silent() {
    return new ProgressBar(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
  }

  void step(int epoch, int epochs, int step, int steps, double loss, double bestF1, int totalDone, int totalSteps) {
    if (!interactive) {
      return;
    }
    int width = 20;
    int filled = (int) ((long) width * step / Math.max(1, steps));
    out.printf("\repoch %d/%d [%s%s] %d/%d loss %.4f best dev F1 %.2f ETA %s   ", epoch, epochs, "#".repeat(filled),
        ".".repeat(width - filled), step, steps, loss, bestF1, eta(totalDone, totalSteps));
    out.flush();
  }

  void epoch(int epoch, int epochs, double loss, double devF1, double bestF1, int bestEpoch, int totalDone, int totalSteps) {
    out.printf("%sepoch %d/%d loss %.4f dev F1 %.2f (best %.2f @ %d) elapsed %s ETA %s%n", interactive ? "\r" : "", epoch,
        epochs, loss, devF1, bestF1, bestEpoch, format(Duration.ofNanos(System.nanoTime() - start)), eta(totalDone, totalSteps));
    out.flush();
  }

  void message(String text) {
    out.println((interactive ? "\r" : "") + text);
    out.flush();
  }

  private String eta(int done, int total) {
    if (done == 0) {
      return "?";
    }
    long elapsed = System.nanoTime() - start;
    return format(Duration.ofNanos((long) ((double) elapsed / done * (total - done))));
  }

  private static String format(Duration d) {
    return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
        : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
  }
}
