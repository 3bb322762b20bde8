package eqaug.hessian;

import eqaug.data.Dataset;
import eqaug.kernel.DoubleKernels;
import eqaug.nn.Architecture;
import eqaug.nn.BatchNorm;
import eqaug.nn.Linear;
import eqaug.nn.ParameterLayout;
import eqaug.nn.Stage;
import eqaug.random.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Whether E is locally stable under augmented gradient descent at a point A (paper §4.2): the extreme
 * eigenvalues of the augmented risk's Hessian restricted to E⊥ (Π_E⊥ H^aug Π_E⊥, which decides it: an off-E
 * perturbation along an eigenvector with eigenvalue λ is multiplied by 1 − τλ per step) and, for comparison,
 * restricted to E (Π_E H^aug Π_E, which by Proposition 2 equals Π_E H Π_E of the nominal risk at A ∈ E and so
 * costs one nominal product instead of |S|).
 *
 * <p>A point within {@link #NEAR_E} of E (relative, over the linear layers) is analysed at Π_E A: the float32
 * iterates of EQUIVARIANT training carry a rounding-level off-E part, and at Π_E A Proposition 2 and the
 * invariance of E and E⊥ under H^aug hold exactly. A point farther from E is analysed where it is, with H^aug on
 * both blocks (the blocks are then not invariant, and the E⊥ spectrum no longer describes the linearised flow
 * across E alone).
 */
public final class StabilityAnalysis {
  /** ||Π_E⊥ A|| / ||A|| below which A counts as a (rounded) point of E. */
  public static final double NEAR_E = 1e-5;

  /**
   * How H^aug is averaged and how far Lanczos goes: {@code k} eigenvalues at each end of each block after
   * {@code steps} Lanczos steps; {@code haarDraws} = 0 for the exact average over every element of G (refused above
   * {@code maxExactElements}), else that many fixed Haar draws; {@code seed} for the draws and the Lanczos starts.
   */
  public record Options(int k, int steps, int haarDraws, long maxExactElements, long seed, int densityProbes,
      int traceProbes) {
    /** Extremes only: no spectral density, no trace. */
    public Options(int k, int steps, int haarDraws, long maxExactElements, long seed) {
      this(k, steps, haarDraws, maxExactElements, seed, 0, 0);
    }

    public Options {
      if (densityProbes < 0 || traceProbes < 0) {
        throw new IllegalArgumentException("probe counts cannot be negative");
      }
      if (k < 1) {
        throw new IllegalArgumentException("k must be at least 1, got " + k);
      }
      if (steps < 2 * k) {
        throw new IllegalArgumentException("Lanczos needs at least 2k = " + 2 * k + " steps for k = " + k + ", got "
            + steps);
      }
      if (haarDraws < 0) {
        throw new IllegalArgumentException("the number of Haar draws cannot be negative, got " + haarDraws);
      }
    }
  }

  /** One block's Lanczos result, with the dimension of the subspace it acts on. */
  public record Block(String name, long dim, Lanczos.Result result) {
    /** The smallest Ritz value. */
    public double lambdaMin() {
      return result.smallest().get(0).value();
    }

    public double lambdaMax() {
      return result.largest().get(0).value();
    }

    /** The unit Ritz vector of the smallest Ritz value (null once dropped by {@link #withoutVectors}). */
    public double[] leastVector() {
      return result.smallest().get(0).vector();
    }

    /** The same values and residuals without the Ritz vectors (each of dim L doubles). */
    public Block withoutVectors() {
      return new Block(name, dim, new Lanczos.Result(result.steps(), result.invariant(), bare(result.smallest()),
          bare(result.largest()), result.ritzValues()));
    }

    private static List<Lanczos.RitzPair> bare(List<Lanczos.RitzPair> pairs) {
      return pairs.stream().map(p -> new Lanczos.RitzPair(p.value(), p.residual(), p.estimate(), null)).toList();
    }
  }

  /** A share of a unit vector's squared norm: a linear layer, or the rows feeding one batch-norm channel. */
  public record Weight(String part, double weight) {}

  /**
   * The analysis of one point: the E⊥ and E blocks, how far A was from E (before any projection), the group
   * elements averaged over (exact or M draws), the smallest kink distance of the products (see
   * {@link Float64Network#kinkDistance}), where the least stable E⊥ eigenvector lives, and the products spent.
   */
  public record Point(Block complement, Block equivariant, double distanceToE, double norm, boolean projected,
      int elements, boolean exact, double kinkDistance, List<Weight> layerWeights, List<Weight> channelWeights,
      List<Weight> layerWeightsE, List<Weight> channelWeightsE, long nominalProducts, double curvatureCheckPerp,
      double curvatureCheckE, double secantCurvaturePerp, SpectralDensity densityPerp,
      HutchinsonTrace.Result tracePerp) {
    /**
     * This point with its blocks' Ritz vectors dropped (4K vectors of dim L doubles: 2 GB at K = 2 in Experiment
     * 3), for keeping many points once their vectors have been used or written.
     */
    public Point withoutVectors() {
      return new Point(complement.withoutVectors(), equivariant.withoutVectors(), distanceToE, norm, projected,
          elements, exact, kinkDistance, layerWeights, channelWeights, layerWeightsE, channelWeightsE,
          nominalProducts, curvatureCheckPerp, curvatureCheckE, secantCurvaturePerp, densityPerp, tracePerp);
    }
  }

  /**
   * The step of the secant curvature y · (∇R(A + εy) − ∇R(A − εy)) / 2ε along the least stable E⊥ vector: about
   * the size of the off-E part AUGMENTED training reaches in Experiment 1 (‖A_E⊥‖ ~ 1e-4), far beyond the
   * leaky-ReLU kinks the Hessian sees, so it shows whether the local curvature survives at that scale.
   */
  public static final double SECANT_STEP = 1e-4;

  /**
   * The independent curvature check: y · (∇R(A + εy) − ∇R(A − εy)) / 2ε along a unit Ritz vector y, from
   * gradients alone, should equal its Ritz value up to O(ε²). ε is at most this, and below a quarter of the step
   * along y at which the first leaky-ReLU input would cross its kink, so no kink lies between the two points.
   */
  public static final double CHECK_STEP = 1e-5;

  private StabilityAnalysis() {}

  /**
   * The spectra at {@code params} (dim L plus batch-norm parameters, in the layout's order) of the risk of
   * {@code data} in mini-batches of {@code batch}; {@code onProduct} is told after every nominal Hessian-vector
   * product (|S| of them per H^aug product), for progress.
   */
  public static Point analyse(Architecture arch, Dataset data, int batch, double[] params, Options o,
      IntConsumer onProduct) {
    return analyse(arch, data, batch, params, o, 1, onProduct);
  }

  /** As above on {@code threads} threads (the results are the same bits for any number). */
  public static Point analyse(Architecture arch, Dataset data, int batch, double[] params, Options o, int threads,
      IntConsumer onProduct) {
    try (DoubleKernels kernels = DoubleKernels.create(threads)) {
      return analyse(arch, data, batch, params, o, kernels, onProduct);
    }
  }

  private static Point analyse(Architecture arch, Dataset data, int batch, double[] params, Options o,
      DoubleKernels kernels, IntConsumer onProduct) {
    ParameterLayout layout = ParameterLayout.of(arch);
    if (params.length != layout.size()) {
      throw new IllegalArgumentException("the point has " + params.length + " parameters; " + arch.name()
          + " has " + layout.size());
    }
    EquivariantProjection pi = new EquivariantProjection(layout);
    double[] off = params.clone();
    pi.ontoComplement(off);
    double distance = Lanczos.norm(off);
    double norm = linearNorm(layout, params);
    boolean projected = distance <= NEAR_E * norm;
    double[] a = params.clone();
    if (projected) {
      pi.ontoE(a);
    }
    SplitMix64 rng = new SplitMix64(o.seed());
    AugmentedRisk aug = (o.haarDraws() == 0
        ? AugmentedRisk.exact(arch, data, batch, o.maxExactElements())
        : AugmentedRisk.haar(arch, data, batch, o.haarDraws(), rng)).withKernels(kernels);
    AugmentedRisk forE = projected ? AugmentedRisk.nominal(arch, data, batch).withKernels(kernels) : aug;
    long[] products = {0};
    double[] kink = {Double.POSITIVE_INFINITY};
    SymmetricOperator hAug = counted(HessianOperators.hessian(aug, a), aug, aug.elementCount(), products, kink,
        onProduct);
    SymmetricOperator hE = forE == aug ? hAug
        : counted(HessianOperators.hessian(forE, a), forE, 1, products, kink, onProduct);
    long dimE = layout.equivariantDim() + (layout.size() - layout.linearSize());
    long dimPerp = layout.size() - dimE;
    Block perp = new Block("E_perp", dimPerp, Lanczos.extremes(HessianOperators.onComplement(hAug, pi),
        pi::ontoComplement, o.k(), o.steps(), rng.nextLong()));
    Block onE = new Block("E", dimE, Lanczos.extremes(HessianOperators.onE(hE, pi), pi::ontoE, o.k(), o.steps(),
        rng.nextLong()));
    double[] y = perp.result().smallest().get(0).vector();
    double checkPerp = gradientDifference(aug, a, y);
    double[] yE = onE.result().smallest().get(0).vector();
    double checkE = gradientDifference(forE, a, yE);
    double secant = gradientDifference(aug, a, y, SECANT_STEP);
    SymmetricOperator perpBlock = HessianOperators.onComplement(hAug, pi);
    // Both estimates on E⊥ only: that block decides stability; the seeds follow the two Lanczos starts.
    SpectralDensity density = o.densityProbes() == 0 ? null : SpectralDensity.estimate(perpBlock,
        pi::ontoComplement, dimPerp, o.densityProbes(), o.steps(), rng.nextLong(), n -> {});
    HutchinsonTrace.Result trace = o.traceProbes() == 0 ? null : HutchinsonTrace.estimate(perpBlock,
        pi::ontoComplement, o.traceProbes(), rng.nextLong(), n -> {});
    return new Point(perp, onE, distance, norm, projected, aug.elementCount(), aug.isExact(), kink[0],
        layerWeights(layout, y), channelWeights(arch, layout, y), layerWeights(layout, yE),
        channelWeights(arch, layout, yE), products[0], checkPerp, checkE, secant, density, trace);
  }

  private static SymmetricOperator counted(SymmetricOperator m, AugmentedRisk risk, int nominalPerProduct,
      long[] products, double[] kink, IntConsumer onProduct) {
    return new SymmetricOperator() {
      @Override
      public int dim() {
        return m.dim();
      }

      @Override
      public void apply(double[] v, double[] out) {
        m.apply(v, out);
        kink[0] = Math.min(kink[0], risk.kinkDistance());
        products[0] += nominalPerProduct;
        onProduct.accept(nominalPerProduct);
      }
    };
  }

  /** y · (∇R(a + εy) − ∇R(a − εy)) / 2ε with ε below the kink distance along y (see {@link #CHECK_STEP}). */
  static double gradientDifference(AugmentedRisk risk, double[] a, double[] y) {
    double[] g = new double[a.length];
    risk.hessianVector(a, y, g); // only for the kink distance along y
    return gradientDifference(risk, a, y, Math.min(CHECK_STEP, 0.25 * risk.kinkDistance()));
  }

  /** y · (∇R(a + εy) − ∇R(a − εy)) / 2ε. */
  static double gradientDifference(AugmentedRisk risk, double[] a, double[] y, double eps) {
    double[] g = new double[a.length];
    double[] plus = a.clone();
    double[] minus = a.clone();
    for (int i = 0; i < a.length; i++) {
      plus[i] += eps * y[i];
      minus[i] -= eps * y[i];
    }
    double[] gMinus = new double[a.length];
    risk.gradient(plus, g);
    risk.gradient(minus, gMinus);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += y[i] * (g[i] - gMinus[i]);
    }
    return s / (2 * eps);
  }

  /** ||A|| over the linear layers. */
  static double linearNorm(ParameterLayout layout, double[] a) {
    double s = 0;
    for (int i = 0; i < layout.linearSize(); i++) {
      s += a[i] * a[i];
    }
    return Math.sqrt(s);
  }

  /** The share of |y|^2 in each linear layer, then in the batch-norm parameters (all of them together). */
  public static List<Weight> layerWeights(ParameterLayout layout, double[] y) {
    double total = 0;
    for (double v : y) {
      total += v * v;
    }
    List<Weight> w = new ArrayList<>();
    for (ParameterLayout.LayerView v : layout.layers()) {
      w.add(new Weight(v.name(), squares(y, v.offset(), v.offset() + v.size()) / total));
    }
    if (!layout.norms().isEmpty()) {
      w.add(new Weight("batch norm", squares(y, layout.linearSize(), layout.size()) / total));
    }
    return w;
  }

  /**
   * For each batch-norm channel c: the share of |y|^2 in the rows of the linear layer that feeds the batch norm
   * (the last one before it), output channel c — the weights that set that channel's pre-normalisation values.
   */
  public static List<Weight> channelWeights(Architecture arch, ParameterLayout layout, double[] y) {
    double total = 0;
    for (double v : y) {
      total += v * v;
    }
    List<Weight> w = new ArrayList<>();
    Linear feeding = null;
    for (Stage s : arch.stages()) {
      if (s instanceof Linear l) {
        feeding = l;
      } else if (s instanceof BatchNorm bn && feeding != null && feeding.out().channels() == bn.channels()) {
        ParameterLayout.LayerView v = layout.layer(feeding);
        int rowsPerChannel = feeding.out().positions() * feeding.cols();
        for (int c = 0; c < bn.channels(); c++) {
          int from = v.offset() + c * rowsPerChannel;
          w.add(new Weight(bn.name() + "[" + c + "] (" + feeding.name() + " rows)",
              squares(y, from, from + rowsPerChannel) / total));
        }
      }
    }
    return w;
  }

  private static double squares(double[] y, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += y[i] * y[i];
    }
    return s;
  }
}
