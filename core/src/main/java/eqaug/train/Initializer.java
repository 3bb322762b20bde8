package eqaug.train;

import eqaug.nn.Init;
import eqaug.nn.ParameterLayout;
import java.util.random.RandomGenerator;

/**
 * A^0 as in §5 and App. C: Gaussian weights with each layer's scale, projected onto E; batch norm starts
 * at scale 1 and shift 0. All three strategies of a run start from the same A^0.
 */
public final class Initializer {
  private Initializer() {}

  public static float[] initialParameters(ParameterLayout layout, RandomGenerator rng) {
    float[] a = new float[layout.size()];
    for (ParameterLayout.LayerView v : layout.layers()) {
      Init init = v.layer().init();
      int rows = v.layer().rows();
      int cols = v.layer().cols();
      if (init.kind() == Init.Kind.GAUSSIAN) {
        for (int i = 0; i < v.size(); i++) {
          a[v.offset() + i] = (float) (init.std() * rng.nextGaussian());
        }
      } else {
        int dOut = v.layer().out().positions();
        int dIn = v.layer().in().positions();
        for (int co = 0; co < v.layer().out().channels(); co++) {
          for (int ci = 0; ci < v.layer().in().channels(); ci++) {
            float value = (float) (init.std() * rng.nextGaussian());
            for (int r = 0; r < dOut; r++) {
              int row = v.offset() + (co * dOut + r) * cols + ci * dIn;
              java.util.Arrays.fill(a, row, row + dIn, value);
            }
          }
        }
      }
      assert rows * cols == v.size();
    }
    for (ParameterLayout.NormView n : layout.norms()) {
      java.util.Arrays.fill(a, n.offset(), n.offset() + n.norm().channels(), 1f);
    }
    layout.project(a);
    return a;
  }
}
