package eqaug.hessian;

/**
 * The Hessians of §4.2 as operators at a point A: H_S v = Hessian of {@link AugmentedRisk} R_S at A times v
 * (H for S = {e}, H^aug for S = G or M Haar draws), and its blocks Pi H Pi for an orthogonal projector Pi:
 * Pi_E-perp H^aug Pi_E-perp, whose spectrum on E-perp decides the stability of E under augmented gradient flow,
 * and Pi_E H^aug Pi_E, which at A in E is the Hessian of R^eqv (Proposition 2).
 */
public final class HessianOperators {
  private HessianOperators() {}

  /** v -> H_S(A) v; A is not copied (keep it unchanged while the operator is in use). */
  public static SymmetricOperator hessian(AugmentedRisk risk, double[] a) {
    return new SymmetricOperator() {
      @Override
      public int dim() {
        return risk.dim();
      }

      @Override
      public void apply(double[] v, double[] out) {
        risk.hessianVector(a, v, out);
      }
    };
  }

  /** v -> Pi M Pi v. */
  public static SymmetricOperator block(SymmetricOperator m, SymmetricOperator.Projector pi) {
    return new SymmetricOperator() {
      // One scratch vector per operator, not one per product: at Experiment 3's 61M parameters a copy is 0.5 GB.
      private double[] pv;

      @Override
      public int dim() {
        return m.dim();
      }

      @Override
      public void apply(double[] v, double[] out) {
        if (pv == null) {
          pv = new double[v.length];
        }
        System.arraycopy(v, 0, pv, 0, v.length);
        pi.project(pv);
        m.apply(pv, out);
        pi.project(out);
      }
    };
  }

  /** Pi_E-perp H Pi_E-perp. */
  public static SymmetricOperator onComplement(SymmetricOperator m, EquivariantProjection e) {
    return block(m, e::ontoComplement);
  }

  /** Pi_E H Pi_E. */
  public static SymmetricOperator onE(SymmetricOperator m, EquivariantProjection e) {
    return block(m, e::ontoE);
  }
}
