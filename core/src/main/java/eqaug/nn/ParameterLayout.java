package eqaug.nn;

import eqaug.space.OrbitTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each parameter of an {@link Architecture} lives in the one flat float vector: the paper's L
 * (all linear layers, each a row-major out x in matrix) followed by the batch-norm scales and shifts.
 * Metrics and projections act on the linear part, which is exactly L.
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

  private final List<LayerView> layers = new ArrayList<>();
  private final List<NormView> norms = new ArrayList<>();
  private final int linearSize;
  private final int size;

  public ParameterLayout(Architecture arch) {
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
    for (LayerView v : layers) {
      v.orbits().project(params, v.offset());
    }
  }
}
