package eqaug.apps.stability;

import eqaug.hessian.Lanczos;
import eqaug.hessian.StabilityAnalysis;
import java.util.List;

/**
 * The stability command's tables, tidy and with every number in full ({@code Double.toString}): the Ritz values
 * of each block ({@code stability.csv}), one summary row per point ({@code points.csv}), and where the least
 * stable E⊥ eigenvector lives ({@code least-stable.csv}).
 */
public final class StabilityCsv {
  public static final String RITZ_HEADER = "run,epoch,block,end,index,eigenvalue,residual,lanczos_estimate";
  public static final String POINTS_HEADER = "run,epoch,loss,accuracy,distance_to_E,norm,analysed_at,group_elements,"
      + "exact_average,lanczos_steps_E_perp,lanczos_steps_E,lambda_min_E_perp,residual_min_E_perp,lambda_max_E_perp,"
      + "residual_max_E_perp,lambda_min_E,residual_min_E,lambda_max_E,residual_max_E,verdict,growth_factor,"
      + "curvature_check_E_perp,curvature_check_E,secant_curvature_E_perp,trace_E_perp,trace_standard_error,kink_distance,nominal_products,seconds";
  public static final String WEIGHTS_HEADER = "run,epoch,block,kind,part,weight";

  private StabilityCsv() {}

  /** One row per Ritz value: block E_perp or E, end smallest (index 1 = the smallest) or largest (1 = the largest). */
  public static String ritz(List<StabilityPoint> points) {
    StringBuilder sb = new StringBuilder(RITZ_HEADER).append('\n');
    for (StabilityPoint p : points) {
      for (StabilityAnalysis.Block b : List.of(p.analysis().complement(), p.analysis().equivariant())) {
        rows(sb, p, b.name(), "smallest", b.result().smallest());
        rows(sb, p, b.name(), "largest", b.result().largest());
      }
    }
    return sb.toString();
  }

  private static void rows(StringBuilder sb, StabilityPoint p, String block, String end, List<Lanczos.RitzPair> pairs) {
    for (int i = 0; i < pairs.size(); i++) {
      Lanczos.RitzPair r = pairs.get(i);
      sb.append(p.run()).append(',').append(p.epoch()).append(',').append(block).append(',').append(end).append(',')
          .append(i + 1).append(',').append(r.value()).append(',').append(r.residual()).append(',')
          .append(r.estimate()).append('\n');
    }
  }

  /** One row per point; the growth factor is over {@code steps} steps of size {@code lr}. */
  public static String points(List<StabilityPoint> points, double lr, int steps) {
    StringBuilder sb = new StringBuilder(POINTS_HEADER).append('\n');
    for (StabilityPoint p : points) {
      StabilityAnalysis.Point a = p.analysis();
      Lanczos.Result perp = a.complement().result();
      Lanczos.Result e = a.equivariant().result();
      sb.append(p.run()).append(',').append(p.epoch()).append(',').append(p.loss()).append(',').append(p.accuracy())
          .append(',').append(a.distanceToE()).append(',').append(a.norm()).append(',')
          .append(a.projected() ? "Pi_E A" : "A").append(',').append(a.elements()).append(',').append(a.exact())
          .append(',').append(perp.steps()).append(',').append(e.steps()).append(',');
      pair(sb, perp.smallest().get(0));
      pair(sb, perp.largest().get(0));
      pair(sb, e.smallest().get(0));
      pair(sb, e.largest().get(0));
      sb.append(p.verdict().name().toLowerCase(java.util.Locale.ROOT)).append(',').append(p.growthFactor(lr, steps))
          .append(',').append(a.curvatureCheckPerp()).append(',').append(a.curvatureCheckE())
          .append(',').append(a.secantCurvaturePerp())
          .append(',').append(a.tracePerp() == null ? "" : Double.toString(a.tracePerp().trace()))
          .append(',').append(a.tracePerp() == null ? "" : Double.toString(a.tracePerp().standardError()))
          .append(',').append(a.kinkDistance()).append(',').append(a.nominalProducts()).append(',').append(p.seconds())
          .append('\n');
    }
    return sb.toString();
  }

  private static void pair(StringBuilder sb, Lanczos.RitzPair r) {
    sb.append(r.value()).append(',').append(r.residual()).append(',');
  }

  /**
   * Where each block's λ_min eigenvector lives (E_perp: the least stable direction): the share of its squared norm
   * per linear layer and per batch-norm channel.
   */
  public static String weights(List<StabilityPoint> points) {
    StringBuilder sb = new StringBuilder(WEIGHTS_HEADER).append('\n');
    for (StabilityPoint p : points) {
      StabilityAnalysis.Point a = p.analysis();
      weightRows(sb, p, "E_perp", a.layerWeights(), a.channelWeights());
      weightRows(sb, p, "E", a.layerWeightsE(), a.channelWeightsE());
    }
    return sb.toString();
  }

  private static void weightRows(StringBuilder sb, StabilityPoint p, String block, List<StabilityAnalysis.Weight> layers,
      List<StabilityAnalysis.Weight> channels) {
    for (StabilityAnalysis.Weight w : layers) {
      sb.append(p.run()).append(',').append(p.epoch()).append(',').append(block).append(",layer,")
          .append(quote(w.part())).append(',').append(w.weight()).append('\n');
    }
    for (StabilityAnalysis.Weight w : channels) {
      sb.append(p.run()).append(',').append(p.epoch()).append(',').append(block).append(",batch-norm channel,")
          .append(quote(w.part())).append(',').append(w.weight()).append('\n');
    }
  }

  public static final String DENSITY_HEADER = "run,epoch,block,probe,node,weight";

  /**
   * The stochastic Lanczos quadrature of each point's E⊥ block: per probe its Gauss nodes and weights (each probe's
   * weights sum to 1; the density is dim E⊥ times their mean over probes).
   */
  public static String density(List<StabilityPoint> points) {
    StringBuilder sb = new StringBuilder(DENSITY_HEADER).append('\n');
    for (StabilityPoint p : points) {
      eqaug.hessian.SpectralDensity d = p.analysis().densityPerp();
      if (d == null) {
        continue;
      }
      for (int q = 0; q < d.quadratures().size(); q++) {
        eqaug.hessian.SpectralDensity.Quadrature g = d.quadratures().get(q);
        for (int j = 0; j < g.nodes().length; j++) {
          sb.append(p.run()).append(',').append(p.epoch()).append(",E_perp,").append(q).append(',')
              .append(g.nodes()[j]).append(',').append(g.weights()[j]).append('\n');
        }
      }
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains(" ") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
