package eqaug.hessian;

import eqaug.data.Dataset;
import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.kernel.DoubleKernels;
import eqaug.nn.Architecture;
import eqaug.space.FieldSpace;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The empirical risk averaged over a set S of group elements, in double precision:
 * R_S(A) = (1/|S|) sum over g in S of R(A; g D), R(A; g D) the trainer's risk (the mean over mini-batches of
 * the mini-batch mean loss) on the data set with every input moved by rho_X(g), and every target by rho_Y(g)
 * when the output space carries an action. S = {e} gives the nominal risk R; S = G gives the paper's R^aug
 * (the Haar average, §4.2: AUGMENTED's per-mini-batch draws have this expectation, since the risk is a mean
 * over mini-batches); a fixed set of M Haar draws estimates it. Its gradient and exact Hessian-vector
 * products come from {@link Float64Network}.
 */
public final class AugmentedRisk {
  /** Rows per network pass: whole mini-batches, about as many rows as the float trainer's steps. */
  public static final int PASS_ROWS = 256;

  private final Float64Network net;
  private final Dataset data;
  private final int batch;
  private final int batches;
  private final int step;
  private final List<GroupElement> elements;
  private final boolean exact;
  private final FieldSpace inSpace;
  private final FieldSpace outSpace;
  private final boolean targetsMove;
  private final float[] xMoved;
  private final float[] yMoved;
  private double kinkDistance = Double.POSITIVE_INFINITY;

  private AugmentedRisk(Architecture arch, Dataset data, int batch, List<GroupElement> elements, boolean exact) {
    this(arch, data, batch, elements, exact, null);
  }

  /** kernels null: the network's single-threaded default. */
  private AugmentedRisk(Architecture arch, Dataset data, int batch, List<GroupElement> elements, boolean exact,
      DoubleKernels kernels) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + batch);
    }
    if (elements.isEmpty()) {
      throw new IllegalArgumentException("the averaged risk needs at least one group element");
    }
    this.inSpace = arch.input();
    this.outSpace = arch.output();
    if (data.inputDim() != inSpace.dim() || data.targetDim() != outSpace.dim()) {
      throw new IllegalArgumentException("data set " + data.name() + " does not fit network " + arch.name());
    }
    this.batch = Math.min(batch, data.size());
    this.step = Math.min(Math.max(1, PASS_ROWS / this.batch) * this.batch, data.size());
    this.batches = (data.size() + this.batch - 1) / this.batch;
    this.net = kernels == null ? new Float64Network(arch, step) : new Float64Network(arch, step, kernels);
    this.data = data;
    this.elements = List.copyOf(elements);
    this.exact = exact;
    this.targetsMove = !outSpace.action().isTrivial();
    this.xMoved = new float[step * inSpace.dim()];
    this.yMoved = targetsMove ? new float[step * outSpace.dim()] : null;
  }

  /** The nominal risk R (S = {e}). */
  public static AugmentedRisk nominal(Architecture arch, Dataset data, int batch) {
    return new AugmentedRisk(arch, data, batch, List.of(arch.group().identity()), true);
  }

  /** R^aug exactly: every element of G, refused when |G| exceeds maxElements (each costs one pass). */
  public static AugmentedRisk exact(Architecture arch, Dataset data, int batch, long maxElements) {
    Group g = arch.group();
    if (g.order() > maxElements) {
      throw new IllegalArgumentException(g.name() + " has " + (g.order() == Long.MAX_VALUE ? "too many" : g.order())
          + " elements, more than the " + maxElements + " an exact average may take; use Haar draws");
    }
    return new AugmentedRisk(arch, data, batch, g.elements(), true);
  }

  /** R^aug estimated over M Haar draws, drawn once here and fixed (so the operator is one symmetric matrix). */
  public static AugmentedRisk haar(Architecture arch, Dataset data, int batch, int m, RandomGenerator rng) {
    if (m < 1) {
      throw new IllegalArgumentException("the number of Haar draws must be positive: " + m);
    }
    GroupElement[] draws = new GroupElement[m];
    for (int i = 0; i < m; i++) {
      draws[i] = arch.group().sample(rng);
    }
    return new AugmentedRisk(arch, data, batch, List.of(draws), false);
  }

  /** The average over the given elements. */
  public static AugmentedRisk over(Architecture arch, Dataset data, int batch, List<GroupElement> elements) {
    return new AugmentedRisk(arch, data, batch, elements, false);
  }

  /**
   * The same risk (data, mini-batches, group elements) evaluated on the given kernels, e.g.
   * {@code DoubleKernels.create(threads)}, which the caller keeps and closes. The results are bitwise the same.
   */
  public AugmentedRisk withKernels(DoubleKernels kernels) {
    return new AugmentedRisk(net.architecture(), data, batch, elements, exact,
        java.util.Objects.requireNonNull(kernels, "kernels"));
  }

  /** Whether S is all of G (or {e} for the nominal risk), as opposed to a sample. */
  public boolean isExact() {
    return exact;
  }

  /** |S|: the number of group elements averaged over (M for Haar draws). */
  public int elementCount() {
    return elements.size();
  }

  public Float64Network network() {
    return net;
  }

  /** Parameters: dim L plus the batch-norm scales and shifts. */
  public int dim() {
    return net.layout().size();
  }

  /** Over the last Hessian-vector product: the smallest {@link Float64Network#kinkDistance}. */
  public double kinkDistance() {
    return kinkDistance;
  }

  public double value(double[] params) {
    return run(params, null, null, null);
  }

  /** grad = the gradient of R_S at params (overwritten); returns R_S there. */
  public double gradient(double[] params, double[] grad) {
    java.util.Arrays.fill(grad, 0);
    return run(params, null, grad, null);
  }

  /** hv = the Hessian of R_S at params times v (overwritten). */
  public void hessianVector(double[] params, double[] v, double[] hv) {
    java.util.Arrays.fill(hv, 0);
    kinkDistance = Double.POSITIVE_INFINITY;
    run(params, v, null, hv);
  }

  private double run(double[] params, double[] v, double[] grad, double[] hv) {
    if (params.length != dim() || (grad != null && grad.length != dim()) || (hv != null && hv.length != dim())
        || (v != null && v.length != dim())) {
      throw new IllegalArgumentException("parameter vectors must have " + dim() + " entries");
    }
    double weight = 1.0 / ((double) batches * elements.size());
    int in = data.inputDim();
    int out = data.targetDim();
    int[] xMap = new int[in];
    int[] yMap = new int[out];
    double total = 0;
    for (GroupElement g : elements) {
      inSpace.gather(g.code(), xMap);
      if (targetsMove) {
        outSpace.gather(g.code(), yMap);
      }
      for (int from = 0; from < data.size(); from += step) {
        int rows = Math.min(step, data.size() - from);
        for (int r = 0; r < rows; r++) {
          int src = (from + r) * in;
          for (int i = 0; i < in; i++) {
            xMoved[r * in + i] = data.inputs()[src + xMap[i]];
          }
          if (targetsMove) {
            int ySrc = (from + r) * out;
            for (int i = 0; i < out; i++) {
              yMoved[r * out + i] = data.targets()[ySrc + yMap[i]];
            }
          }
        }
        float[] y = targetsMove ? yMoved : data.targets();
        int yOff = targetsMove ? 0 : from * out;
        total += net.pass(params, v, xMoved, 0, y, yOff, rows, batch, weight, grad, hv);
        if (hv != null) {
          kinkDistance = Math.min(kinkDistance, net.kinkDistance());
        }
      }
    }
    return total / ((double) batches * elements.size());
  }
}
