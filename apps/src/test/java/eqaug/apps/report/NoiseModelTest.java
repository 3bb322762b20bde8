package eqaug.apps.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.MetricsTable;
import eqaug.backend.CpuBackend;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.study.Study;
import eqaug.study.StudyListener;
import eqaug.study.StudyResults;
import eqaug.train.Augmentation;
import eqaug.train.Precision;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The noise model against the real trainer: where the curvature cannot act (τ so small that τ|λ|T is far below
 * 1), AUGMENTED's measured drift is the random walk the recorded grad_E_perp predicts; where it can (a large τ),
 * the same run is no longer such a walk. Experiment 1's network on 8 nodes, fp64 so rounding plays no part.
 */
class NoiseModelTest {
  private static final Architecture ARCH = PaperNetworks.permutation(8);
  private static final Dataset DATA = BlockErdosRenyi.generate(120, 8, 0.5, 0.1, new RandomStreams(4).data());

  private static List<MetricsTable.Point> augmented(double lr, int epochs) {
    TrainConfig cfg = new TrainConfig(epochs, lr, 40, 2, 0, Augmentation.HAAR);
    StudyResults r = new Study(ARCH, DATA, cfg, 1, 9, List.of(Strategy.AUGMENTED))
        .run(new Study.Execution(new CpuBackend(), 1, 1, Precision.FP64), StudyListener.NONE);
    return MetricsTable.of(r.records()).runs(Strategy.AUGMENTED).get(0);
  }

  @Test
  void aDriftTheCurvatureCannotShapeIsTheRecordedNoisesRandomWalk() {
    double tau = 1e-8;
    List<MetricsTable.Point> curve = augmented(tau, 12);
    NoiseModel m = NoiseModel.of(curve, tau, 0, 1, Precision.FP64);
    assertTrue(m.available());
    // Steps are independent draws in a space of ~10^5 dimensions: the walk's square norm concentrates on its mean.
    for (int t = 2; t <= m.last(); t++) {
      assertEquals(1.0, m.ratio(t), 0.1, "epoch " + t + ": measured " + m.measured()[t] + ", predicted "
          + m.predicted()[t]);
    }
    assertEquals(NoiseModel.Cause.RANDOM_WALK, m.cause());
  }

  @Test
  void aDriftTheCurvatureShapesIsNot() {
    double tau = 1e-2;
    NoiseModel m = NoiseModel.of(augmented(tau, 12), tau, 0, 1, Precision.FP64);
    System.out.println("noise model at τ = 1e-2: measured/predicted " + m.ratio() + ", " + m.cause());
    assertTrue(Math.abs(Math.log(m.ratio())) > Math.log(NoiseModel.BAND), "ratio " + m.ratio());
  }

  @Test
  void theModelsWalkIsTauTimesTheRootSumOfSquaredNoise() {
    List<MetricsTable.Point> curve = augmented(1e-8, 3);
    NoiseModel m = NoiseModel.of(curve, 1e-8, 0, 1, Precision.FP64);
    double xi0 = curve.get(0).gradDistE();
    double xi1 = curve.get(1).gradDistE();
    assertEquals(0, m.predicted()[0], 0, "A^0 is in E");
    assertEquals(1e-8 * xi0, m.predicted()[1], 1e-12 * m.predicted()[1]);
    assertEquals(1e-8 * Math.sqrt(xi0 * xi0 + xi1 * xi1), m.predicted()[2], 1e-12 * m.predicted()[2]);
    assertTrue(Double.isNaN(curve.get(3).gradDistE()), "the last epoch takes no step");
  }
}
