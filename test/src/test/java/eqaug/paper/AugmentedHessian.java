package eqaug.paper;

import eqaug.group.GroupElement;
import eqaug.train.Trainer;
import java.util.List;

/**
 * v -> Hessian of the augmented risk at A times v, where R^aug_S(A) = mean over g in S of R(A; g data) (the
 * risk on the data set moved by g; S = G gives the paper's R^aug, a fixed Haar sample of G estimates it), by
 * central differences of exact gradients: (grad(A + eps v) - grad(A - eps v)) / (2 eps), eps = h |A| / |v|.
 * Section 4.2 of the paper: at A in E this Hessian maps E and its complement into themselves, and its
 * spectrum on the complement decides whether augmented descent is drawn back to E or driven away from it.
 *
 * <p>Limits, measured on Experiment 1's network at A^0 (200 graphs, 8 Haar draws): with leaky ReLU the risk
 * is not twice differentiable, and this secant operator is far from symmetric at every step tried (relative
 * 1e-5 to 3e-2 of |A|: |u.Hw - w.Hu| is 39-190 % of |u.Hw|), while a symmetric Hessian is what an eigenvalue
 * analysis needs. It is exact in the sense the tests check (its curvature integrates to the risk's second
 * difference, and at A in E it keeps E and E-perp apart); a stability analysis of the paper's networks needs
 * exact (forward-over-reverse) Hessian-vector products instead, which is why this stays a test fixture.
 */
final class AugmentedHessian {
  /** A risk's gradient at any A (written to grad, float32 like training's); returns the risk there. */
  interface Gradient {
    double at(float[] a, float[] grad);
  }

  /** The gradient of R^aug_S: a pass over the data moved by each g in S, every mini-batch by the same g. */
  static Gradient averagedOver(Trainer trainer, List<GroupElement> elements) {
    if (elements.isEmpty()) {
      throw new IllegalArgumentException("the augmented risk needs at least one group element");
    }
    float weight = 1f / ((float) trainer.batchesPerPass() * elements.size());
    return (a, grad) -> {
      java.util.Arrays.fill(grad, 0f);
      double risk = 0;
      for (GroupElement g : elements) {
        risk += trainer.movedPass(a, grad, weight, g).loss();
      }
      return risk / elements.size();
    };
  }

  private final Gradient gradient;
  private final float[] a;
  private final double step;
  private final float[] shifted;
  private final float[] gPlus;

  /** At A ({@code a}, not copied: keep it unchanged while in use), relative step h. */
  AugmentedHessian(Gradient gradient, float[] a, double relativeStep) {
    if (!(relativeStep > 0) || relativeStep > 0.1) {
      throw new IllegalArgumentException("the relative difference step must be in (0, 0.1], got " + relativeStep);
    }
    this.gradient = gradient;
    this.a = a;
    this.step = relativeStep * norm(a);
    this.shifted = new float[a.length];
    this.gPlus = new float[a.length];
  }

  /** out = H v; v is not changed. */
  void apply(float[] v, float[] out) {
    double nv = norm(v);
    if (nv == 0) {
      java.util.Arrays.fill(out, 0f);
      return;
    }
    double eps = step / nv;
    for (int i = 0; i < a.length; i++) {
      shifted[i] = (float) (a[i] + eps * v[i]);
    }
    gradient.at(shifted, gPlus);
    for (int i = 0; i < a.length; i++) {
      shifted[i] = (float) (a[i] - eps * v[i]);
    }
    gradient.at(shifted, out);
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) ((gPlus[i] - (double) out[i]) / (2 * eps));
    }
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return Math.sqrt(s);
  }
}
