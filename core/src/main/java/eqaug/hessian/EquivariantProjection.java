package eqaug.hessian;

import eqaug.nn.ParameterLayout;
import eqaug.space.OrbitTable;

/**
 * Pi_E of Lemma 2 in double precision on a full parameter vector: every linear layer's entry replaced by the
 * mean over its orbit under rho-bar (orbits from {@link OrbitTable}); batch-norm scales and shifts are acted on
 * trivially and so lie in E. Pi_E-perp = I - Pi_E is zero on them.
 */
public final class EquivariantProjection {
  private final ParameterLayout layout;
  /** Per layer: the orbit of each position pair (a, b) at a * d_in + b, and the orbit sizes. */
  private final int[][] orbitOf;
  private final int[][] orbitSize;

  public EquivariantProjection(ParameterLayout layout) {
    this.layout = layout;
    int n = layout.layers().size();
    orbitOf = new int[n][];
    orbitSize = new int[n][];
    for (int l = 0; l < n; l++) {
      OrbitTable t = layout.layers().get(l).orbits();
      int dIn = t.in().positions();
      int dOut = t.out().positions();
      orbitOf[l] = new int[dIn * dOut];
      orbitSize[l] = new int[t.orbitsPerChannelPair()];
      for (int a = 0; a < dOut; a++) {
        for (int b = 0; b < dIn; b++) {
          int o = t.orbitOf(a, b);
          orbitOf[l][a * dIn + b] = o;
          orbitSize[l][o]++;
        }
      }
    }
  }

  /** dim E = rank Pi_E: dim Hom_G summed over the linear layers, plus every batch-norm parameter. */
  public long dimE() {
    return layout.equivariantDim() + (layout.size() - layout.linearSize());
  }

  /** dim E-perp = rank Pi_E-perp = dim L - dim Hom_G summed over the layers. */
  public long dimComplement() {
    return layout.size() - dimE();
  }

  /** v = Pi_E v, in place. */
  public void ontoE(double[] v) {
    apply(v, false);
  }

  /** v = (I - Pi_E) v, in place. */
  public void ontoComplement(double[] v) {
    apply(v, true);
  }

  private void apply(double[] v, boolean complement) {
    for (int l = 0; l < orbitOf.length; l++) {
      ParameterLayout.LayerView view = layout.layers().get(l);
      OrbitTable t = view.orbits();
      int dIn = t.in().positions();
      int dOut = t.out().positions();
      int cols = t.in().dim();
      double[] sums = new double[orbitSize[l].length];
      for (int co = 0; co < t.out().channels(); co++) {
        for (int ci = 0; ci < t.in().channels(); ci++) {
          java.util.Arrays.fill(sums, 0);
          int base = view.offset() + co * dOut * cols + ci * dIn;
          for (int a = 0; a < dOut; a++) {
            for (int b = 0; b < dIn; b++) {
              sums[orbitOf[l][a * dIn + b]] += v[base + a * cols + b];
            }
          }
          for (int a = 0; a < dOut; a++) {
            for (int b = 0; b < dIn; b++) {
              int o = orbitOf[l][a * dIn + b];
              double mean = sums[o] / orbitSize[l][o];
              int i = base + a * cols + b;
              v[i] = complement ? v[i] - mean : mean;
            }
          }
        }
      }
    }
    if (complement) {
      java.util.Arrays.fill(v, layout.linearSize(), layout.size(), 0);
    }
  }
}
