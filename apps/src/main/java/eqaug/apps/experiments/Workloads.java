package eqaug.apps.experiments;

import eqaug.nn.Architecture;
import eqaug.nn.ParameterLayout;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.util.ArrayList;
import java.util.List;

/** The paper's three networks at their paper protocols, and the matrix products their training runs. */
public final class Workloads {
  private Workloads() {}

  /** One matrix product of training: C (m x n) = op(A) (m x k) op(B) (k x n). */
  public record Shape(String experiment, String layer, String op, int m, int k, int n, boolean transA, boolean transB) {
    public double flop() {
      return 2.0 * m * k * n;
    }
  }

  /** Paper protocols: data-set size, batch size, and the rows the CPU engine runs per network step. */
  public record Setup(String name, Architecture arch, int samples, int batch) {
    public int rows() {
      return Trainer.rowsPerStep(new TrainConfig(1, 1e-5, batch, 1), samples);
    }
  }

  public static List<Setup> setups() {
    return List.of(
        new Setup("perm", PermutationExperiment.architecture(10), 1000, 200),
        new Setup("trans", TranslationExperiment.architecture(14), 10_000, 25),
        new Setup("rot", RotationExperiment.architecture(14), 3000, 25));
  }

  /** Forward (Y = X W^T), input gradient (dX = dY W) and weight gradient (dW = dY^T X) of every sizeable layer. */
  public static List<Shape> shapes() {
    return shapes(false);
  }

  /**
   * With {@code everyLayer}, also the small dense heads and, for batch-25 experiments, the products at the
   * paper's mini-batch of 25 rows (the CPU engine runs 10 mini-batches per product).
   */
  public static List<Shape> shapes(boolean everyLayer) {
    List<Shape> out = new ArrayList<>();
    for (Setup s : setups()) {
      for (ParameterLayout.LayerView v : ParameterLayout.of(s.arch()).layers()) {
        int rows = v.layer().rows();
        int cols = v.layer().cols();
        if (!everyLayer && 2.0 * s.rows() * rows * cols < 2e7) {
          continue; // the small dense heads take microseconds
        }
        List<Integer> batches = everyLayer && s.batch() != s.rows() ? List.of(s.batch(), s.rows()) : List.of(s.rows());
        for (int r : batches) {
          out.add(new Shape(s.name(), v.name(), "forward", r, cols, rows, false, true));
          out.add(new Shape(s.name(), v.name(), "grad_input", r, rows, cols, false, false));
          out.add(new Shape(s.name(), v.name(), "grad_weight", rows, r, cols, true, false));
        }
      }
    }
    return out;
  }


  /** The setup of one experiment by name (perm, trans, rot). */
  public static Setup setup(String name) {
    for (Setup s : setups()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown experiment " + name);
  }
}
