package eqaug.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eqaug.nn.Linear;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.Initializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The named-array layout of docs/params.md: (out, in) weights per linear layer, then NAME.weight / NAME.bias per norm. */
class ParameterArraysTest {
  private static final ParameterLayout LAYOUT = ParameterLayout.of(PaperNetworks.permutation(5));

  private static double[] widened(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  @Test
  void arraysAreTheLayersAsOutByInMatricesThenTheNormsScalesAndShifts() {
    float[] a = Initializer.initialParameters(LAYOUT, new SplittableRandom(3));
    Map<String, Npy.Array> m = ParameterArrays.of(LAYOUT, widened(a), Npy.Dtype.F4);
    assertEquals(List.of("rho1", "pool", "dense1", "dense2", "bn.weight", "bn.bias"), List.copyOf(m.keySet()));
    for (ParameterLayout.LayerView v : LAYOUT.layers()) {
      Linear l = v.layer();
      Npy.Array arr = m.get(l.name());
      assertArrayEquals(new int[] {l.out().dim(), l.in().dim()}, arr.shape(), l.name());
      // Entry (o, i) is the weight from input i to output o: row-major, y = W x.
      int o = l.rows() - 1;
      int i = l.cols() / 2;
      assertEquals(a[v.offset() + o * l.cols() + i], arr.data()[o * l.cols() + i], 0);
    }
    ParameterLayout.NormView n = LAYOUT.norms().get(0);
    assertArrayEquals(new int[] {n.norm().channels()}, m.get("bn.weight").shape());
    assertEquals(1.0, m.get("bn.weight").data()[0], 0); // A^0's scale is 1, its shift 0
    assertEquals(0.0, m.get("bn.bias").data()[0], 0);
  }

  @Test
  void floatsComeBackBitForBitFromEitherPrecision() throws NpyFormatException {
    float[] a = Initializer.initialParameters(LAYOUT, new SplittableRandom(4));
    a[LAYOUT.norms().get(0).offset() + 1] = 0.75f;
    for (Npy.Dtype t : Npy.Dtype.values()) {
      assertArrayEquals(a, ParameterArrays.toFloats(LAYOUT, ParameterArrays.of(LAYOUT, widened(a), t)));
    }
  }

  private static String refusal(Map<String, Npy.Array> m) {
    return assertThrows(NpyFormatException.class, () -> ParameterArrays.toFloats(LAYOUT, m)).getMessage();
  }

  @Test
  void refusesMissingExtraMisshapenAndNonFiniteArraysNamingThem() {
    double[] a = widened(Initializer.initialParameters(LAYOUT, new SplittableRandom(5)));
    Map<String, Npy.Array> m = new LinkedHashMap<>(ParameterArrays.of(LAYOUT, a, Npy.Dtype.F8));
    m.remove("pool");
    assertEquals("array 'pool' is missing (shape (64, 800) expected)", refusal(m));
    m = new LinkedHashMap<>(ParameterArrays.of(LAYOUT, a, Npy.Dtype.F8));
    m.put("bn.running_mean", new Npy.Array(Npy.Dtype.F4, new int[] {64}, new double[64]));
    assertEquals("array 'bn.running_mean' is not a parameter of this network (it has [rho1, pool, dense1, dense2, "
        + "bn.weight, bn.bias])", refusal(m));
    m = new LinkedHashMap<>(ParameterArrays.of(LAYOUT, a, Npy.Dtype.F8));
    Npy.Array pool = m.get("pool");
    m.put("pool", new Npy.Array(Npy.Dtype.F8, new int[] {800, 64}, pool.data()));
    assertEquals("array 'pool' has shape (800, 64), expected (64, 800)", refusal(m));
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1e300}) {
      m = new LinkedHashMap<>(ParameterArrays.of(LAYOUT, a, Npy.Dtype.F8));
      m.get("dense2").data()[3] = bad;
      String msg = refusal(m);
      assertEquals("array 'dense2' holds a non-finite value at flat index 3 (" + bad
          + (Double.isFinite(bad) ? ", beyond float range" : "") + ")", msg);
    }
  }
}
