package eqaug.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.Group;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one §5 loop drives any engine through the same calls: which passes each strategy makes, the draws and
 * their order, the projection, the step, the records and where a diverged run stops. A recording engine
 * shows the calls.
 */
class TrainingLoopTest {
  private static final Architecture ARCH = PaperNetworks.permutation(4);
  private static final TrainConfig CFG = new TrainConfig(3, 0.25, 10, 2);
  private static final int BATCHES = 3;

  /** An engine that logs its calls and reports a loss of 1/(epoch+1), or NaN from a given epoch on. */
  private static final class Recording implements Engine {
    final List<String> calls = new ArrayList<>();
    final List<int[]> draws = new ArrayList<>();
    final int layers = ParameterLayout.of(ARCH).layers().size();
    final int divergeAt;
    int measured;
    float[] a;

    Recording(int divergeAt) {
      this.divergeAt = divergeAt;
    }

    @Override
    public Architecture architecture() {
      return ARCH;
    }

    @Override
    public int batches() {
      return BATCHES;
    }

    @Override
    public void load(float[] a0) {
      a = a0.clone();
      calls.add("load");
    }

    @Override
    public void zeroGradient() {
      calls.add("zero");
    }

    @Override
    public void nominalPass(boolean gradient, float weight) {
      calls.add("nominal " + gradient + " " + weight);
    }

    @Override
    public void augmentedPasses(int[] d, int codeLength, int passes, float weight, Runnable afterPass) {
      calls.add("augmented " + passes + " " + weight);
      draws.add(d.clone());
      assertEquals(ARCH.group().codeLength(), codeLength);
      for (int p = 0; p < passes; p++) {
        afterPass.run();
      }
    }

    @Override
    public void projectGradient() {
      calls.add("project");
    }

    @Override
    public double[] gradientDistESquared() {
      calls.add("gradient E-perp");
      double[] d = new double[layers];
      Arrays.fill(d, 9.0);
      return d;
    }

    @Override
    public void addPenaltyGradient(double gamma) {
      calls.add("penalty " + gamma);
    }

    @Override
    public void step(float lr) {
      calls.add("step " + lr);
    }

    @Override
    public Measurement measure() {
      int epoch = measured++;
      calls.add("measure");
      double[] d = new double[layers];
      Arrays.fill(d, 4.0 * epoch);
      double loss = epoch >= divergeAt ? Double.NaN : 1.0 / (epoch + 1);
      return new Measurement(loss, 0.5, d, d.clone());
    }

    @Override
    public float[] parameters() {
      return a;
    }
  }

  private static List<String> expected(Strategy s) {
    List<String> calls = new ArrayList<>(List.of("load"));
    for (int epoch = 0; epoch <= CFG.epochs(); epoch++) {
      boolean last = epoch == CFG.epochs();
      if (!last && s != Strategy.AUGMENTED) {
        calls.add("zero");
      }
      calls.add("nominal " + (!last && s != Strategy.AUGMENTED) + " " + (1f / BATCHES));
      calls.add("measure");
      if (last) {
        break;
      }
      if (s == Strategy.AUGMENTED) {
        calls.add("zero");
        calls.add("augmented " + CFG.naug() + " " + (1f / (BATCHES * CFG.naug())));
      }
      calls.add("gradient E-perp");
      if (s == Strategy.EQUIVARIANT) {
        calls.add("project");
      }
      calls.add("step " + (float) CFG.lr());
    }
    return calls;
  }

  @Test
  void eachStrategyMakesItsPassesProjectionAndSteps() {
    float[] a0 = Initializer.initialParameters(ParameterLayout.of(ARCH), new SplittableRandom(1));
    for (Strategy s : Strategy.values()) {
      Recording engine = new Recording(Integer.MAX_VALUE);
      List<EpochRecord> records = new ArrayList<>();
      int[] passes = {0, 0};
      RunOutcome o = new TrainingLoop(engine, CFG).run(2, s, a0, new SplittableRandom(5), new TrainingListener() {
        @Override
        public void onEpoch(EpochRecord r) {
          records.add(r);
        }

        @Override
        public void onPass(boolean withGradient) {
          passes[withGradient ? 1 : 0]++;
        }
      });
      assertEquals(expected(s), engine.calls, s.toString());
      assertNull(o.divergence());
      assertEquals(CFG.epochs(), o.epochsCompleted());
      assertEquals(CFG.epochs() + 1, records.size());
      int gradientPasses = s == Strategy.AUGMENTED ? CFG.epochs() * CFG.naug() : CFG.epochs();
      assertEquals(gradientPasses, passes[1], s + ": passes with gradient");
      assertEquals(CFG.epochs() + 1 - (s == Strategy.AUGMENTED ? 0 : CFG.epochs()), passes[0], s + ": evaluations");
      for (EpochRecord r : records) {
        assertEquals(2, r.run());
        assertEquals(s, r.strategy());
        assertEquals(1.0 / (r.epoch() + 1), r.loss(), 0);
        // Per layer sqrt(4 epoch); over L, sqrt(layers * 4 epoch).
        assertEquals(Math.sqrt(4.0 * r.epoch()), r.distInit()[0], 0);
        assertEquals(Math.sqrt(engine.layers * 4.0 * r.epoch()), r.totalDistE(), 1e-12);
        assertEquals(ParameterLayout.of(ARCH).layers().get(0).name(), r.layers().get(0));
        // The step's gradient across E, measured once per step; the last epoch takes no step.
        if (r.epoch() < CFG.epochs()) {
          assertEquals(3.0, r.gradDistE()[0], 0);
          assertEquals(Math.sqrt(engine.layers * 9.0), r.totalGradDistE(), 1e-12);
        } else {
          assertTrue(Double.isNaN(r.totalGradDistE()));
        }
        assertTrue(Double.isNaN(r.totalPairDistE()), "not paired");
        assertEquals(0.0, r.penalty(), 0);
      }
    }
  }

  @Test
  void anEpochsDrawsComeInPassThenMiniBatchOrderFromTheRunsStream() {
    Recording engine = new Recording(Integer.MAX_VALUE);
    float[] a0 = new float[ParameterLayout.of(ARCH).size()];
    new TrainingLoop(engine, CFG).run(0, Strategy.AUGMENTED, a0, new SplittableRandom(9), TrainingListener.NONE);
    Group g = ARCH.group();
    SplittableRandom same = new SplittableRandom(9);
    int[] code = new int[g.codeLength()];
    assertEquals(CFG.epochs(), engine.draws.size());
    for (int[] epoch : engine.draws) {
      assertEquals(CFG.naug() * BATCHES * code.length, epoch.length);
      for (int d = 0; d < CFG.naug() * BATCHES; d++) {
        g.sample(same, code);
        assertArrayEquals(code, Arrays.copyOfRange(epoch, d * code.length, (d + 1) * code.length), "draw " + d);
      }
    }
  }

  @Test
  void aDivergedRunStopsAtTheFirstNonFiniteLoss() {
    Recording engine = new Recording(2);
    float[] a0 = new float[ParameterLayout.of(ARCH).size()];
    List<EpochRecord> records = new ArrayList<>();
    String[] reason = {null};
    RunOutcome o = new TrainingLoop(engine, CFG).run(1, Strategy.NOMINAL, a0, new SplittableRandom(1),
        new TrainingListener() {
          @Override
          public void onEpoch(EpochRecord r) {
            records.add(r);
          }

          @Override
          public void onDiverged(int run, Strategy strategy, int epoch, String why) {
            reason[0] = why;
            assertEquals(2, epoch);
          }
        });
    assertEquals(2, records.size(), "epochs 0 and 1 are kept");
    assertEquals(1, o.epochsCompleted());
    assertTrue(o.diverged());
    assertEquals(o.divergence(), reason[0]);
    assertTrue(reason[0].contains("epoch 2"), reason[0]);
    assertEquals("measure", engine.calls.get(engine.calls.size() - 1), "nothing runs after the divergence");
  }
}
