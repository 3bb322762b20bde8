package eqaug.nn;

import eqaug.kernel.Kernels;

import eqaug.space.OrbitTable;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each parameter of an {@link Architecture} lives in the one flat float vector: the paper's L
 * (all linear layers, each a row-major out x in matrix) followed by the batch-norm scales and shifts.
 * Metrics and projections act on the linear part, which is exactly L. A layout is immutable; {@link #of} builds
 * it, with its orbit tables, once per architecture.
 */
public final class ParameterLayout {
  /** A linear layer's view into the parameter vector, with its orbit table for Pi_E. */
  public record LayerView(Linear layer, int offset, OrbitTable orbits) {
    public int size() {
      return layer.rows() * layer.cols();
    }

    public String name() {
      return layer.name();
    }
  }

  /** A batch norm's scale (channels values at offset) and shift (the next channels values). */
  public record NormView(BatchNorm norm, int offset) {}

  private final List<LayerView> layers;
  private final List<NormView> norms;
  private final int linearSize;
  private final int size;

  /**
   * Layouts by architecture object (identity, since views refer to the architecture's own stages), held
   * while the architecture is reachable.
   */
  private static final Map<Key, ParameterLayout> MEMO = new ConcurrentHashMap<>();
  private static final ReferenceQueue<Architecture> GONE = new ReferenceQueue<>();

  /** The layout of {@code arch}, built at its first use and shared after (safe from any thread). */
  public static ParameterLayout of(Architecture arch) {
    ParameterLayout known = MEMO.get(new Key(arch, null));
    if (known != null) {
      return known;
    }
    for (Object k; (k = GONE.poll()) != null; ) {
      MEMO.remove(k);
    }
    return MEMO.computeIfAbsent(new Key(arch, GONE), k -> new ParameterLayout(arch));
  }

  /** A weak reference that compares by its referent's identity. */
  private static final class Key extends WeakReference<Architecture> {
    private final int hash;

    Key(Architecture arch, ReferenceQueue<Architecture> queue) {
      super(arch, queue);
      this.hash = System.identityHashCode(arch);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      Architecture a = get();
      return o instanceof Key k && a != null && k.get() == a;
    }
  }

  private ParameterLayout(Architecture arch) {
    List<LayerView> layers = new ArrayList<>();
    List<NormView> norms = new ArrayList<>();
    long off = 0;
    for (Stage s : arch.stages()) {
      if (s instanceof Linear l) {
        layers.add(new LayerView(l, (int) off, new OrbitTable(l.in(), l.out())));
        off += (long) l.rows() * l.cols();
        checkFits(off);
      }
    }
    linearSize = (int) off;
    for (Stage s : arch.stages()) {
      if (s instanceof BatchNorm b) {
        norms.add(new NormView(b, (int) off));
        off += 2L * b.channels();
        checkFits(off);
      }
    }
    size = (int) off;
    this.layers = List.copyOf(layers);
    this.norms = List.copyOf(norms);
  }

  private static void checkFits(long n) {
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("the network has more than 2^31 parameters (" + n + ")");
    }
  }

  public List<LayerView> layers() {
    return layers;
  }

  public List<NormView> norms() {
    return norms;
  }

  /** dim L: the number of linear-layer parameters. */
  public int linearSize() {
    return linearSize;
  }

  /** All parameters, batch-norm ones included. */
  public int size() {
    return size;
  }

  /** dim E = sum of dim Hom_G over the layers. */
  public long equivariantDim() {
    long d = 0;
    for (LayerView v : layers) {
      d += v.orbits().homDim();
    }
    return d;
  }

  public LayerView layer(Linear l) {
    for (LayerView v : layers) {
      if (v.layer() == l) {
        return v;
      }
    }
    throw new IllegalArgumentException("not a layer of this network: " + l.name());
  }

  public NormView norm(BatchNorm b) {
    for (NormView v : norms) {
      if (v.norm() == b) {
        return v;
      }
    }
    throw new IllegalArgumentException("not a batch norm of this network: " + b.name());
  }

  /** Pi_E on the linear layers of a parameter (or gradient) vector, in place. Batch-norm parameters are in E already. */
  public void project(float[] params) {
    project(params, null);
  }

  /** {@link #project(float[])} with each layer's channel blocks shared among the kernels' threads (same result). */
  public void project(float[] params, Kernels kernels) {
    for (LayerView v : layers) {
      v.orbits().project(params, v.offset(), kernels);
    }
  }
}
