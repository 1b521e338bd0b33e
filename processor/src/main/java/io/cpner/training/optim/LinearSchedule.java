package io.cpner.training.optim;

/**
 * Learning rate that rises linearly from 0 over the warm-up steps, then falls linearly to 0. DJL's
 * {@code WarmUpTracker} over a {@code LinearTracker} draws the same line but gives 0 at step 0, a
 * wasted step; this is the one line {@link AdamW} scales per parameter group.
 */
public record LinearSchedule(double peak, int warmupSteps, int totalSteps) {
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  }
}
