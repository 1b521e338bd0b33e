package io.cpner.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter) over a fixed list of parameters, updated in place, with decoupled
 * weight decay on matrices (not on biases), and a global gradient-norm clip.
 *
 * <p>Ours rather than DJL's {@code AdamW}: the head and the prefix learn at different rates under one
 * schedule, and the norm clip is global over both with a non-finite step skipped whole; DJL's has one
 * rate tracker per optimizer and clips gradients element by element.
 */
public final class AdamW {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPS = 1e-8f;

  private final List<NDArray> params;
  private final double[] lrScale;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private final double weightDecay;
  private final double clipNorm;
  private int step;

  /**
   * @param lrScale per parameter, the factor applied to the scheduled learning rate
   */
  public AdamW(NDManager manager, List<NDArray> params, double[] lrScale, double weightDecay, double clipNorm) {
    this.params = List.copyOf(params);
    this.lrScale = lrScale.clone();
    for (NDArray p : params) {
      m.add(manager.zeros(p.getShape()));
      v.add(manager.zeros(p.getShape()));
    }
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
  }

  /**
   * One update with learning rate {@code lr}, then zeroes the gradients. Call outside any gradient
   * collector (no graph is recorded for in-place updates there).
   *
   * @return false, with nothing updated and the gradients zeroed, if a gradient is not finite
   */
  public boolean step(NDManager scope, double lr) {
    // temporaries computed from long-lived arrays belong to this step's scope
    m.forEach(a -> a.tempAttach(scope));
    v.forEach(a -> a.tempAttach(scope));
    List<NDArray> grads = new ArrayList<>(params.size());
    double squared = 0;
    for (NDArray p : params) {
      NDArray g = p.getGradient();
      g.attach(scope);
      grads.add(g);
      squared += g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).square().sum().getDouble();
    }
    double norm = Math.sqrt(squared);
    if (!Double.isFinite(norm)) {
      grads.forEach(g -> g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f)); // NaN - NaN is NaN: overwrite instead
      return false;
    }
    step++;
    float clip = norm > clipNorm ? (float) (clipNorm / (norm + 1e-6)) : 1f;
    float correction1 = 1f - (float) Math.pow(BETA1, step);
    float correction2 = 1f - (float) Math.pow(BETA2, step);
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      double rate = lr * lrScale[i];
      NDArray g = grads.get(i).mul(clip);
      m.get(i).muli(BETA1).addi(g.mul(1f - BETA1));
      v.get(i).muli(BETA2).addi(g.square().muli(1f - BETA2));
      NDArray update = m.get(i).div(correction1).divi(v.get(i).div(correction2).sqrt().addi(EPS));
      if (p.getShape().dimension() > 1 && weightDecay > 0) {
        p.muli(1f - (float) (rate * weightDecay));
      }
      p.subi(update.muli((float) rate));
      grads.get(i).subi(grads.get(i)); // zero the gradient in place for the next backward pass
    }
    return true;
  }
}
