package eqaug.hessian;

/** A symmetric linear map on R^dim, given by its action: the form Lanczos needs. */
public interface SymmetricOperator {
  int dim();

  /** out = M v (out overwritten; v unchanged; out and v are distinct arrays); called from one thread at a time. */
  void apply(double[] v, double[] out);

  /** An orthogonal projector Pi, applied in place: v = Pi v. */
  interface Projector {
    void project(double[] v);
  }

  /** The identity projector: no restriction. */
  Projector WHOLE_SPACE = v -> {};
}
