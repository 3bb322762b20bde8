package eqaug.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.group.PermutationAction;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import eqaug.nn.ParameterLayout;
import eqaug.paper.Fixtures.Problem;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * §3.1 and §3.3: the actions are the paper's Examples 2–4 and are representations (rho(gh) = rho(g) rho(h));
 * rho-bar(g) A = rho_out(g) A rho_in(g)^-1; Lemma 1 (E is the fixed space of rho-bar) and Lemma 2 (Pi_E is the
 * orthogonal projection and equals the Haar average of rho-bar(g) A).
 */
class RepresentationTest {

  /** x[map] as rho(g) x, for one vector. */
  private static double[] apply(int[] map, double[] x) {
    double[] y = new double[map.length];
    for (int i = 0; i < map.length; i++) {
      y[i] = x[map[i]];
    }
    return y;
  }

  private static double[] randomVector(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble();
    }
    return v;
  }

  /** Example 4: (rho(1) x)_{i,j} = x_{-j,i} in coordinates centred on the grid, and rho(k) = rho(1)^k. */
  @Test
  void rotationsAreExample4() {
    for (int n : new int[] {4, 5}) {
      RotationGroup c4 = new RotationGroup();
      PermutationAction act = c4.onGrid(n);
      double[] x = randomVector(new SplittableRandom(n), n * n);
      double half = (n - 1) / 2.0;
      double[] expected = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double ci = i - half;
          double cj = j - half;
          int srcRow = (int) Math.round(-cj + half);
          int srcCol = (int) Math.round(ci + half);
          expected[i * n + j] = x[srcRow * n + srcCol];
        }
      }
      double[] once = apply(act.gather(c4.rotation(1)), x);
      assertArrayEquals(expected, once, "rho(1) on " + n + "x" + n);
      double[] power = x;
      for (int k = 0; k < 4; k++) {
        assertArrayEquals(power, apply(act.gather(c4.rotation(k)), x), "rho(" + k + ") = rho(1)^" + k);
        power = apply(act.gather(c4.rotation(1)), power);
      }
      assertArrayEquals(x, power, "rho(1)^4 = id");
    }
  }

  /** Example 3: (rho(k, l) x)_{i,j} = x_{i-k, j-l}, indices mod N. */
  @Test
  void translationsAreExample3() {
    int n = 3;
    TranslationGroup t = new TranslationGroup(n);
    double[] x = randomVector(new SplittableRandom(3), n * n);
    for (GroupElement g : t.elements()) {
      int k = g.code()[0];
      int l = g.code()[n] - n; // the shift (k, l) moves points 0..n-1 by k and n..2n-1 by l
      double[] expected = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          expected[i * n + j] = x[Math.floorMod(i - k, n) * n + Math.floorMod(j - l, n)];
        }
      }
      assertArrayEquals(expected, apply(t.onGrid().gather(g), x), "shift " + g);
    }
  }

  /** Example 2: [rho(pi) T]_{i0..} = T_{pi^-1(i0)..} on vectors and adjacency matrices. */
  @Test
  void permutationsAreExample2() {
    int n = 4;
    SymmetricGroup s = new SymmetricGroup(n);
    double[] v = randomVector(new SplittableRandom(21), n);
    double[] m = randomVector(new SplittableRandom(22), n * n);
    for (GroupElement pi : s.elements()) {
      int[] image = pi.code();
      int[] inv = new int[n];
      for (int i = 0; i < n; i++) {
        inv[image[i]] = i;
      }
      double[] ev = new double[n];
      double[] em = new double[n * n];
      for (int i = 0; i < n; i++) {
        ev[i] = v[inv[i]];
        for (int j = 0; j < n; j++) {
          em[i * n + j] = m[inv[i] * n + inv[j]];
        }
      }
      assertArrayEquals(ev, apply(s.onTensors(1).gather(pi), v), "vector, pi = " + pi);
      assertArrayEquals(em, apply(s.onTensors(2).gather(pi), m), "matrix, pi = " + pi);
    }
  }

  /** rho is a representation: rho(g) rho(h) = rho(gh), rho(e) = id, rho(g^-1) = rho(g)^-1; |G| distinct elements. */
  @Test
  void actionsAreRepresentations() {
    RotationGroup c4 = new RotationGroup();
    checkRepresentation(c4, c4.onGrid(4), (g, h) -> c4.rotation(g.code()[0] + h.code()[0]));
    TranslationGroup t = new TranslationGroup(3);
    checkRepresentation(t, t.onGrid(), t::multiply);
    SymmetricGroup s = new SymmetricGroup(4);
    BinaryOperator<GroupElement> compose = (g, h) -> {
      int[] a = g.code();
      int[] b = h.code();
      int[] c = new int[a.length];
      for (int i = 0; i < a.length; i++) {
        c[i] = a[b[i]];
      }
      return new GroupElement(c);
    };
    checkRepresentation(s, s.onTensors(1), compose);
    checkRepresentation(s, s.onTensors(2), compose);
  }

  private static void checkRepresentation(Group group, PermutationAction act, BinaryOperator<GroupElement> mul) {
    List<GroupElement> elements = group.elements();
    assertEquals(group.order(), new HashSet<>(elements).size(), group.name() + ": distinct elements");
    assertArrayEquals(PermutationAction.identityMap(act.dim()), act.gather(group.identity()), "rho(e) = id");
    Set<String> images = new HashSet<>();
    for (GroupElement g : elements) {
      int[] mg = act.gather(g);
      images.add(java.util.Arrays.toString(mg));
      int[] mInv = act.gather(group.inverse(g));
      for (GroupElement h : elements) {
        int[] mh = act.gather(h);
        // (rho(g) rho(h) x)[i] = (rho(h) x)[mg[i]] = x[mh[mg[i]]].
        int[] composed = new int[mg.length];
        for (int i = 0; i < mg.length; i++) {
          composed[i] = mh[mg[i]];
        }
        assertArrayEquals(act.gather(mul.apply(g, h)), composed, group.name() + ": rho(" + g + ") rho(" + h + ")");
      }
      for (int i = 0; i < mg.length; i++) {
        assertEquals(i, mInv[mg[i]], group.name() + ": rho(g^-1) rho(g) = id at " + i);
      }
    }
    assertEquals(elements.size(), images.size(), group.name() + " acts faithfully");
  }

  static Stream<Problem> problems() {
    return Fixtures.allProblems(300, 1, 1).stream();
  }

  /** rho-bar(g) A = rho_out(g) A rho_in(g)^-1 with rho as permutation matrices, on every layer. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void inducedActionIsConjugation(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(301));
    for (GroupElement g : p.group().elements()) {
      float[] moved = Fixtures.rhoBar(layout, g, a);
      for (ParameterLayout.LayerView v : layout.layers()) {
        int rows = v.layer().rows();
        int cols = v.layer().cols();
        // P[p][r] = 1 iff (rho(g) x)[p] = x[r]: P = matrix of rho(g); rho(g)^-1 = P^T (unitary, Assumption 1).
        double[][] pOut = permutationMatrix(v.layer().out().gather(g));
        double[][] pIn = permutationMatrix(v.layer().in().gather(g));
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int k = 0; k < rows; k++) {
              if (pOut[r][k] == 0) {
                continue;
              }
              for (int l = 0; l < cols; l++) {
                s += pOut[r][k] * a[v.offset() + k * cols + l] * pIn[c][l];
              }
            }
            assertEquals(s, moved[v.offset() + r * cols + c], 0.0, v.name() + " g = " + g);
          }
        }
      }
    }
  }

  private static double[][] permutationMatrix(int[] map) {
    double[][] m = new double[map.length][map.length];
    for (int i = 0; i < map.length; i++) {
      m[i][map[i]] = 1;
    }
    return m;
  }

  /**
   * Lemma 2 and Lemma 1: Pi_E A equals the Haar average of rho-bar(g) A; it is fixed by every rho-bar(g);
   * it is idempotent and self-adjoint (an orthogonal projection), and A - Pi_E A is orthogonal to E.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void projectionIsTheHaarAverage(Problem p) {
    ParameterLayout layout = ParameterLayout.of(p.arch());
    float[] a = Fixtures.randomParameters(layout, new SplittableRandom(302));
    float[] b = Fixtures.randomParameters(layout, new SplittableRandom(303));
    float[] pa = Fixtures.projected(layout, a);
    float[] pb = Fixtures.projected(layout, b);
    double[] average = Fixtures.reynolds(layout, p.group(), a);
    double scale = Fixtures.maxAbs(a);
    for (int i = 0; i < a.length; i++) {
      // One float rounding of a mean of O(1) numbers.
      assertEquals(average[i], pa[i], 1e-6 * scale, "Pi_E A vs Haar average at " + i);
    }
    assertTrue(Fixtures.distance(a, pa) > 0.1 * Fixtures.norm(a), "A generic is not in E");
    for (GroupElement g : p.group().elements()) {
      assertArrayEquals(pa, Fixtures.rhoBar(layout, g, pa), "rho-bar(" + g + ") Pi_E A = Pi_E A");
    }
    assertArrayEquals(pa, Fixtures.projected(layout, pa), "Pi_E Pi_E A = Pi_E A");
    int linear = layout.linearSize();
    double paB = dot(pa, b, linear);
    double aPb = dot(a, pb, linear);
    double residualPb = 0;
    for (int i = 0; i < linear; i++) {
      residualPb += ((double) a[i] - pa[i]) * pb[i];
    }
    double bound = 1e-6 * Fixtures.norm(a) * Fixtures.norm(b);
    assertEquals(paB, aPb, bound, "<Pi_E A, B> = <A, Pi_E B>");
    assertEquals(0, residualPb, bound, "<A - Pi_E A, Pi_E B> = 0");
    // Batch-norm parameters are acted on trivially, hence untouched by Pi_E.
    for (int i = linear; i < a.length; i++) {
      assertEquals(a[i], pa[i], 0f);
    }
  }

  private static double dot(float[] a, float[] b, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
