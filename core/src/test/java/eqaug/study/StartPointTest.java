package eqaug.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eqaug.backend.CpuBackend;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.RandomStreams;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A study started from given parameters: NOMINAL and EQUIVARIANT are deterministic maps A^k -> A^(k+1) (full data
 * set, batch statistics, no draws), so a run started from A^2 of another run retraces that run's A^3, A^4 bit for
 * bit, with the same losses, accuracies and distances to E; only ||A - A^0|| is measured from the new start.
 */
class StartPointTest {
  private static final long SEED = 23;

  private static Study study(int epochs) {
    Dataset data = BlockErdosRenyi.generate(30, 5, 0.7, 0.2, new RandomStreams(SEED).data());
    return new Study(PaperNetworks.permutation(5), data, new TrainConfig(epochs, 0.05, 10, 2), 1, SEED,
        List.of(Strategy.NOMINAL, Strategy.EQUIVARIANT));
  }

  /** Every epoch's A of every part, keyed "STRATEGY epoch". */
  private static StudyResults train(Study s, Map<String, double[]> params) {
    return s.run(new Study.Execution(new CpuBackend(), 1, 1), new StudyListener() {
      @Override
      public boolean wantsParameters(int run, Strategy strategy, int epoch) {
        return true;
      }

      @Override
      public synchronized void parameters(int run, Strategy strategy, int epoch, double[] a) {
        params.put(strategy + " " + epoch, a);
      }
    });
  }

  @Test
  void aRunFromSavedParametersRetracesTheOriginalFromThatEpoch() {
    Map<String, double[]> first = new HashMap<>();
    StudyResults whole = train(study(4), first);
    ParameterLayout layout = ParameterLayout.of(study(4).architecture());
    for (Strategy st : List.of(Strategy.NOMINAL, Strategy.EQUIVARIANT)) {
      double[] a2 = first.get(st + " 2");
      float[] start = new float[a2.length];
      for (int i = 0; i < a2.length; i++) {
        start[i] = (float) a2[i];
        assertEquals(a2[i], start[i], 0, "fp32 parameters are exact floats");
      }
      Map<String, double[]> again = new HashMap<>();
      StudyResults from2 = train(study(2).withStart(run -> start), again);
      assertEquals(Study.linearNorm(layout, start), from2.initialNorms().get(0), 0);
      int si = st == Strategy.NOMINAL ? 0 : 1;
      List<EpochRecord> orig = whole.parts().get(si).records();
      List<EpochRecord> redo = from2.parts().get(si).records();
      assertEquals(3, redo.size());
      for (int k = 0; k <= 2; k++) {
        assertArrayEquals(first.get(st + " " + (2 + k)), again.get(st + " " + k), 0, st + " A at epoch " + k);
        EpochRecord o = orig.get(2 + k);
        EpochRecord r = redo.get(k);
        assertEquals(o.loss(), r.loss(), 0);
        assertEquals(o.accuracy(), r.accuracy(), 0);
        assertArrayEquals(o.distE(), r.distE(), 0);
        assertEquals(o.totalDistE(), r.totalDistE(), 0);
        // ||A^(2+k) - A^2|| from the first run's parameters, in double as the engine measures it.
        double sq = 0;
        for (int i = 0; i < layout.linearSize(); i++) {
          double d = first.get(st + " " + (2 + k))[i] - a2[i];
          sq += d * d;
        }
        assertEquals(Math.sqrt(sq), r.totalDistInit(), 1e-12 * Math.max(1, Math.sqrt(sq)));
      }
      assertNotEquals(orig.get(3).totalDistInit(), redo.get(1).totalDistInit(), "distances from the new A^0");
    }
  }

  @Test
  void aStartPointOfTheWrongSizeIsRefusedAndTheGivenArrayIsNotShared() {
    float[] given = new float[3];
    assertThrows(IllegalArgumentException.class, () -> study(1).withStart(run -> given).initialParameters(0));
    float[] a0 = study(1).initialParameters(0);
    Study s = study(1).withStart(run -> a0);
    float[] copy = s.initialParameters(0);
    copy[0] += 1;
    assertEquals(a0[0], s.initialParameters(0)[0], 0);
  }
}
