package eqaug.apps.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.CpuBackend;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.group.GroupElement;
import eqaug.group.RotationGroup;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.study.Study;
import eqaug.study.StudyListener;
import eqaug.study.StudyResults;
import eqaug.train.Augmentation;
import eqaug.train.Precision;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An {@code --augment-by} augmentation through the real trainer (Corollary 1 for the subgroup H): exact augmentation
 * over H = &lt;r2&gt; keeps A in the C2-equivariant subspace E_H, which is larger than C4's E, so A leaves E (the
 * metric, still C4's) while Haar on all of C4 stays in E. A tiny Experiment 3 (4x4 images, fp64) keeps it fast.
 */
class AugmentByTrainingTest {
  private static final int SIDE = 4;
  private static final int EPOCHS = 4;
  private static final Architecture ARCH = PaperNetworks.rotation(SIDE);
  private static final Dataset DATA = Shapes.generate(8, SIDE, new RandomStreams(5).data());
  private static final RotationGroup C4 = (RotationGroup) ARCH.group();

  /** A^0 and the final A of AUGMENTED (run 0) and its last record. */
  private record Trained(double[] a0, double[] a, StudyResults results) {
    double moved() {
      return distance(a0, a);
    }
  }

  private static Trained train(Augmentation aug) {
    TrainConfig cfg = new TrainConfig(EPOCHS, 1e-2, 8, 1, 0, aug);
    Map<Integer, double[]> at = new HashMap<>();
    StudyListener keep = new StudyListener() {
      @Override
      public boolean wantsParameters(int run, Strategy strategy, int epoch) {
        return epoch == 0 || epoch == EPOCHS;
      }

      @Override
      public void parameters(int run, Strategy strategy, int epoch, double[] a) {
        at.put(epoch, a.clone());
      }
    };
    StudyResults r = new Study(ARCH, DATA, cfg, 1, 3, List.of(Strategy.AUGMENTED))
        .run(new Study.Execution(new CpuBackend(), 1, 1, Precision.FP64), keep);
    return new Trained(at.get(0), at.get(EPOCHS), r);
  }

  /** ||A - Pi_H A|| over the linear layers, Pi_H the average of rho-bar(h) A over the listed elements h of H. */
  private static double distanceToFixed(double[] a, List<GroupElement> h) {
    double sq = 0;
    for (ParameterLayout.LayerView v : ParameterLayout.of(ARCH).layers()) {
      int rows = v.layer().rows();
      int cols = v.layer().cols();
      int[][] rowMap = new int[h.size()][];
      int[][] colMap = new int[h.size()][];
      for (int k = 0; k < h.size(); k++) {
        rowMap[k] = v.layer().out().gather(h.get(k));
        colMap[k] = v.layer().in().gather(h.get(k));
      }
      for (int p = 0; p < rows; p++) {
        for (int q = 0; q < cols; q++) {
          double mean = 0;
          for (int k = 0; k < h.size(); k++) {
            mean += a[v.offset() + rowMap[k][p] * cols + colMap[k][q]];
          }
          double d = a[v.offset() + p * cols + q] - mean / h.size();
          sq += d * d;
        }
      }
    }
    return Math.sqrt(sq);
  }

  private static double distance(double[] x, double[] y) {
    double sq = 0;
    for (int i = 0; i < ParameterLayout.of(ARCH).linearSize(); i++) {
      sq += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return Math.sqrt(sq);
  }

  @Test
  void exactAugmentationByTheHalfTurnsStaysC2EquivariantButLeavesC4sE() {
    List<GroupElement> c2 = List.of(C4.rotation(0), C4.rotation(2));
    Augmentation half = AugmentBy.parse("r2", new Experiment("rot", "tiny", ARCH, DATA, Map.of())).exactly(true);
    assertEquals(c2.size(), half.support(C4).size());
    Trained t = train(half);
    double moved = t.moved();
    assertTrue(moved > 1e-4, "the run must move: ||A - A^0|| = " + moved);
    assertTrue(distanceToFixed(t.a0(), C4.elements()) == 0, "A^0 lies in E");
    double offC2 = distanceToFixed(t.a(), c2);
    double offC4 = distanceToFixed(t.a(), C4.elements());
    assertTrue(offC2 <= 1e-10 * moved, "exact over <r2> keeps A in E_C2: " + offC2 + " against " + moved);
    assertTrue(offC4 >= 1e-2 * moved, "but not in C4's E: " + offC4 + " against " + moved);
    // The recorded metric is still C4's.
    double recorded = t.results().record(0, Strategy.AUGMENTED, EPOCHS).totalDistE();
    assertEquals(offC4, recorded, 1e-9 * offC4);

    // Haar on all of C4 (r1 generates it) stays in E, and ends elsewhere.
    Trained all = train(AugmentBy.parse("r1", ARCH.group()).exactly(true));
    assertTrue(distanceToFixed(all.a(), C4.elements()) <= 1e-10 * all.moved());
    assertTrue(distance(all.a(), t.a()) > 1e-2 * moved, "C2 and C4 augmentation end apart");

    // Equal weights on e and r2, taken exactly, are Haar on <r2>: the same step up to the order of summation.
    Trained even = train(AugmentBy.parse("e:1,r2:1", ARCH.group()).exactly(true));
    assertTrue(distance(even.a(), t.a()) <= 1e-12 * moved, "e:1,r2:1 is Haar on <r2>");
    // The authors' 2/5 and 3/5 are not: their gradient is not C2-symmetric, so A leaves E_C2 as well.
    Trained authors = train(AugmentBy.parse("e:2,r2:3", ARCH.group()).exactly(true));
    assertTrue(distanceToFixed(authors.a(), c2) >= 1e-3 * authors.moved(),
        "an uneven weighting of C2 is no Haar measure: " + distanceToFixed(authors.a(), c2));
  }
}
