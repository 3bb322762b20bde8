package eqaug.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.hessian.EquivariantProjection;
import eqaug.nn.ParameterLayout;
import eqaug.random.SplitMix64;
import eqaug.train.ExactFixtures.Problem;
import eqaug.train.ExactFixtures.Trajectory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The penalty γ/2 ||Pi_E-perp A||^2 of issue 12 through the real trainers: its gradient is that of the function
 * (finite differences), every strategy's step gains exactly it (EQUIVARIANT's projection removes it), its value
 * is recorded, γ = 0 is the protocol without a penalty bit for bit, and NOMINAL with it stays nearer E.
 */
class PenaltyTest {
  private static final Problem P = ExactFixtures.rotation();
  private static final ParameterLayout LAYOUT = ParameterLayout.of(P.arch());
  private static final EquivariantProjection PI = new EquivariantProjection(LAYOUT);
  private static final double GAMMA = 0.7;

  /** P(A) = γ/2 ||Pi_E-perp A||^2, in double. */
  private static double penalty(double gamma, double[] a) {
    double[] perp = a.clone();
    PI.ontoComplement(perp);
    double s = 0;
    for (double x : perp) {
      s += x * x;
    }
    return gamma / 2 * s;
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }

  private static double norm(double[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static Trajectory train(TrainConfig cfg, Strategy s, Precision p, float[] a0) {
    return ExactFixtures.train(P, cfg, s, p, a0, new SplitMix64(9));
  }

  /**
   * One step with and without the penalty from a point off E: their difference over tau is the penalty's part
   * of the gradient (the same draws make AUGMENTED's other part the same). Along random directions v it must
   * match the central difference (P(A + hv) - P(A - hv)) / 2h of P itself, which is exact for a quadratic up to
   * rounding; at fp64 to 1e-9 relative, at fp32 to the update's rounding, u (|A^0| + |A^1|) / tau per entry.
   */
  @Test
  void penaltyGradientMatchesFiniteDifferencesOfThePenalty() {
    float[] a0 = ExactAugmentationTest.startOffE(P, 11);
    double[] a = ExactFixtures.widen(a0);
    double tau = 0.05;
    TrainConfig plain = new TrainConfig(1, tau, P.batch(), 2);
    TrainConfig penalised = new TrainConfig(1, tau, P.batch(), 2, GAMMA, Augmentation.HAAR);
    SplittableRandom rng = new SplittableRandom(12);
    double[][] directions = new double[4][];
    double[] fd = new double[directions.length];
    double h = 1e-3;
    for (int k = 0; k < directions.length; k++) {
      double[] v = new double[a.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = rng.nextGaussian();
      }
      directions[k] = v;
      double[] plus = a.clone();
      double[] minus = a.clone();
      for (int i = 0; i < v.length; i++) {
        plus[i] += h * v[i];
        minus[i] -= h * v[i];
      }
      fd[k] = (penalty(GAMMA, plus) - penalty(GAMMA, minus)) / (2 * h);
    }
    for (Precision prec : Precision.values()) {
      for (Strategy s : new Strategy[] {Strategy.NOMINAL, Strategy.AUGMENTED}) {
        double[] without = train(plain, s, prec, a0).params().get(1);
        Trajectory with = train(penalised, s, prec, a0);
        double[] diff = new double[a.length];
        double[] perp = a.clone();
        PI.ontoComplement(perp);
        double rounding = 0;
        for (int i = 0; i < diff.length; i++) {
          double[] a1 = with.params().get(1);
          diff[i] = (without[i] - a1[i]) / tau;
          // fp32: both updates' rounding, and that of adding γ Pi_E-perp A to the float gradient g.
          double g = (a[i] - without[i]) / tau;
          double r = prec == Precision.FP64 ? 0 : ExactFixtures.U32 * ((2 * Math.abs(a[i]) + Math.abs(without[i])
              + Math.abs(a1[i])) / tau + 2 * (Math.abs(g) + GAMMA * Math.abs(perp[i])));
          rounding += r * r;
        }
        rounding = Math.sqrt(rounding);
        for (int k = 0; k < directions.length; k++) {
          double got = dot(diff, directions[k]);
          double tol = prec == Precision.FP64 ? 1e-9 * Math.abs(fd[k]) : rounding * norm(directions[k]);
          assertEquals(fd[k], got, tol, prec + " " + s + " direction " + k);
        }
        // Its value at A^0 as recorded: γ/2 (measured ||A_E-perp||)^2.
        EpochRecord r0 = with.records().get(0);
        assertEquals(GAMMA, r0.penaltyWeight(), 0);
        assertEquals(penalty(GAMMA, a), r0.penalty(), 1e-12 * penalty(GAMMA, a), prec + " " + s);
        assertTrue(r0.penalty() > 0.01, "the start is off E");
      }
    }
  }

  /** γ = 0 is the paper's protocol (the 4-argument TrainConfig) bit for bit, for every strategy and precision. */
  @Test
  void zeroPenaltyIsNoPenaltyBitForBit() {
    float[] a0 = ExactFixtures.startInE(P.arch(), 5);
    TrainConfig paper = new TrainConfig(4, 0.05, P.batch(), 2);
    TrainConfig zero = new TrainConfig(4, 0.05, P.batch(), 2, 0.0, Augmentation.HAAR.exactly(false));
    for (Precision prec : Precision.values()) {
      for (Strategy s : Strategy.values()) {
        Trajectory x = train(paper, s, prec, a0);
        Trajectory y = train(zero, s, prec, a0);
        for (int e = 0; e < x.records().size(); e++) {
          String where = prec + " " + s + " epoch " + e;
          assertArrayEquals(x.params().get(e), y.params().get(e), 0, where);
          EpochRecord p = x.records().get(e);
          EpochRecord q = y.records().get(e);
          assertEquals(Double.doubleToRawLongBits(p.loss()), Double.doubleToRawLongBits(q.loss()), where);
          assertArrayEquals(p.distInit(), q.distInit(), 0, where);
          assertArrayEquals(p.distE(), q.distE(), 0, where);
          assertArrayEquals(p.gradDistE(), q.gradDistE(), 0, where);
          assertEquals(0, q.penalty(), 0, where);
        }
        assertTrue(x.last().totalDistInit() > 0, where(prec, s) + " moved");
      }
    }
  }

  private static String where(Precision p, Strategy s) {
    return p + " " + s;
  }

  /**
   * EQUIVARIANT projects the gradient onto E, so the penalty's gradient, which lies in E-perp, is removed: from a
   * point off E the trajectory is that without the penalty, to double rounding at fp64 (1e-12 of the motion) and
   * at fp32 to the float rounding of g + γ Pi_E-perp A and its projection (2u of |g| + γ ||Pi_E-perp A|| per step)
   * and of the two updates, which may round an entry differently once their gradients differ (u |A| each per step).
   */
  @Test
  void equivariantIgnoresThePenalty() {
    float[] a0 = ExactAugmentationTest.startOffE(P, 13);
    double[] a = ExactFixtures.widen(a0);
    double perp = Math.sqrt(2 * penalty(1, a));
    double normA0 = ExactFixtures.linearNorm(LAYOUT, a);
    int steps = 5;
    double tau = 0.05;
    double gamma = 2;
    for (Precision prec : Precision.values()) {
      Trajectory x = train(new TrainConfig(steps, tau, P.batch(), 1), Strategy.EQUIVARIANT, prec, a0);
      Trajectory y = train(new TrainConfig(steps, tau, P.batch(), 1, gamma, Augmentation.HAAR), Strategy.EQUIVARIANT,
          prec, a0);
      for (int e = 1; e <= steps; e++) {
        double d = ExactFixtures.linearDistance(LAYOUT, x.params().get(e), y.params().get(e));
        double moved = x.records().get(e).totalDistInit();
        double u = ExactFixtures.U32;
        double tol = prec == Precision.FP64 ? 1e-12 * moved
            : e * 2 * u * (normA0 + moved) + 2 * u * (moved + e * tau * gamma * perp);
        assertTrue(d <= tol, prec + " epoch " + e + ": the penalty moved EQUIVARIANT by " + d + " (moved " + moved + ")");
        // And A's off-E part stays that of A^0 (Lemma 3), penalty or not.
        assertEquals(perp, y.records().get(e).totalDistE(), prec == Precision.FP64 ? 1e-12 * perp : 1e-5 * perp);
      }
    }
  }

  /**
   * NOMINAL from A^0 in E leaves E; with the penalty its off-E part obeys a <- (1 - tau γ) a - tau g_perp, so with
   * tau γ = 0.5 it levels off at the geometric sum's 1 / (tau γ) = 2 times its first step (10% allowed for g_perp's
   * change), while without the penalty it keeps growing (5 times its first step after 10); from step 4 on, where
   * (2 - 2^(1-t)) / t < 1/2, the penalised one is less than half the free one.
   */
  @Test
  void nominalWithThePenaltyStaysNearerE() {
    float[] a0 = ExactFixtures.startInE(P.arch(), 5);
    double tau = 0.05;
    int steps = 10;
    for (Precision prec : Precision.values()) {
      Trajectory x = train(new TrainConfig(steps, tau, P.batch(), 1), Strategy.NOMINAL, prec, a0);
      Trajectory y = train(new TrainConfig(steps, tau, P.batch(), 1, 0.5 / tau, Augmentation.HAAR), Strategy.NOMINAL,
          prec, a0);
      double firstFree = x.records().get(1).totalDistE();
      double firstPen = y.records().get(1).totalDistE();
      assertEquals(firstFree, firstPen, 1e-6 * firstFree, "A^0 is in E, so the first steps agree");
      for (int e = 2; e <= steps; e++) {
        double free = x.records().get(e).totalDistE();
        double pen = y.records().get(e).totalDistE();
        String where = prec + " epoch " + e + ": penalised " + pen + ", free " + free;
        assertTrue(pen < free, where);
        assertTrue(pen <= 2.2 * firstPen, where);
        if (e >= 4) {
          assertTrue(pen < 0.5 * free, where);
        }
      }
      assertTrue(x.last().totalDistE() > 5 * firstFree, prec + ": NOMINAL keeps leaving E");
    }
  }
}
