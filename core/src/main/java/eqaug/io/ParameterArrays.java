package eqaug.io;

import eqaug.nn.ParameterLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network's parameters as named NumPy arrays (docs/params.md): per linear layer of the {@link ParameterLayout}
 * one array named as the layer, of shape (rows, cols) = (out, in), the orientation of PyTorch's
 * {@code nn.Linear.weight} (y = W x); per batch norm {@code NAME.weight} (its scale) and {@code NAME.bias} (its
 * shift), each of shape (channels,), as PyTorch's {@code nn.BatchNorm1d} names them. The flat vector's layout
 * (row-major layers, then scales and shifts) is what the arrays' C order lays out.
 */
public final class ParameterArrays {
  private ParameterArrays() {}

  /** One array of the layout: its name, shape and where its values start in the flat vector. */
  public record Slot(String name, int[] shape, int offset) {
    int size() {
      return (int) Npy.count(shape);
    }
  }

  /** The arrays of {@code layout}, in file order: the linear layers, then per batch norm its weight and bias. */
  public static List<Slot> slots(ParameterLayout layout) {
    List<Slot> slots = new ArrayList<>();
    for (ParameterLayout.LayerView v : layout.layers()) {
      slots.add(new Slot(v.name(), new int[] {v.layer().rows(), v.layer().cols()}, v.offset()));
    }
    for (ParameterLayout.NormView n : layout.norms()) {
      int c = n.norm().channels();
      slots.add(new Slot(n.norm().name() + ".weight", new int[] {c}, n.offset()));
      slots.add(new Slot(n.norm().name() + ".bias", new int[] {c}, n.offset() + c));
    }
    Set<String> seen = new HashSet<>();
    for (Slot s : slots) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("two parameter arrays of the network are named '" + s.name()
            + "'; give its layers distinct names");
      }
    }
    return slots;
  }

  /** The named arrays of parameter vector {@code a} (of the layout's size), as {@code dtype}. */
  public static Map<String, Npy.Array> of(ParameterLayout layout, double[] a, Npy.Dtype dtype) {
    if (a.length != layout.size()) {
      throw new IllegalArgumentException("the layout has " + layout.size() + " parameters, got " + a.length);
    }
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    for (Slot s : slots(layout)) {
      arrays.put(s.name(), new Npy.Array(dtype, s.shape(), Arrays.copyOfRange(a, s.offset(), s.offset() + s.size())));
    }
    return arrays;
  }

  /** The same arrays as views into {@code a}, without copying: for writing large parameter vectors. */
  public static Map<String, Npy.View> views(ParameterLayout layout, double[] a, Npy.Dtype dtype) {
    if (a.length != layout.size()) {
      throw new IllegalArgumentException("the layout has " + layout.size() + " parameters, got " + a.length);
    }
    Map<String, Npy.View> views = new LinkedHashMap<>();
    for (Slot s : slots(layout)) {
      views.put(s.name(), new Npy.View(dtype, s.shape(), a, s.offset()));
    }
    return views;
  }

  /**
   * The flat float parameter vector from named arrays: exactly the layout's arrays, each of its shape and finite
   * ({@code <f8} values are rounded to float). Refuses, naming the array, a missing or extra array, a wrong
   * shape, and a non-finite value (or one that overflows float).
   */
  public static float[] toFloats(ParameterLayout layout, Map<String, Npy.Array> arrays) throws NpyFormatException {
    double[] d = flat(layout, arrays, true);
    float[] a = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      a[i] = (float) d[i];
    }
    return a;
  }

  /**
   * The flat parameter vector in double (no rounding of {@code <f8} values), with the checks of
   * {@link #toFloats}, a value beyond float range allowed.
   */
  public static double[] toDoubles(ParameterLayout layout, Map<String, Npy.Array> arrays) throws NpyFormatException {
    return flat(layout, arrays, false);
  }

  private static double[] flat(ParameterLayout layout, Map<String, Npy.Array> arrays, boolean asFloat)
      throws NpyFormatException {
    List<Slot> slots = slots(layout);
    Set<String> expected = new HashSet<>();
    for (Slot s : slots) {
      expected.add(s.name());
    }
    for (String name : arrays.keySet()) {
      if (!expected.contains(name)) {
        throw new NpyFormatException("array '" + name + "' is not a parameter of this network (it has "
            + slots.stream().map(Slot::name).toList() + ")");
      }
    }
    double[] a = new double[layout.size()];
    for (Slot s : slots) {
      Npy.Array arr = arrays.get(s.name());
      if (arr == null) {
        throw new NpyFormatException("array '" + s.name() + "' is missing (shape " + Npy.shapeString(s.shape())
            + " expected)");
      }
      if (!Arrays.equals(arr.shape(), s.shape())) {
        throw new NpyFormatException("array '" + s.name() + "' has shape " + arr.shapeText() + ", expected "
            + Npy.shapeString(s.shape()));
      }
      double[] d = arr.data();
      for (int i = 0; i < d.length; i++) {
        if (!(asFloat ? Float.isFinite((float) d[i]) : Double.isFinite(d[i]))) {
          throw new NpyFormatException("array '" + s.name() + "' holds a non-finite value at flat index " + i + " ("
              + d[i] + (Double.isFinite(d[i]) ? ", beyond float range" : "") + ")");
        }
        a[s.offset() + i] = d[i];
      }
    }
    return a;
  }
}
