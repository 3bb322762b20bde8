package eqaug.hessian;

/**
 * Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * Algorithm 8.5.3): plane rotations that zero one off-diagonal pair at a time until the off-diagonal mass is
 * at rounding level. Used for Lanczos's tridiagonal matrix (a few hundred rows at most), where its O(m^3) per
 * sweep is negligible next to one Hessian-vector product.
 */
public final class SymmetricEigen {
  /** Eigenvalues in ascending order; vectors[i] is the unit eigenvector of values[i]. */
  public record Decomposition(double[] values, double[][] vectors) {}

  private SymmetricEigen() {}

  public static Decomposition of(double[][] matrix) {
    int n = matrix.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      if (matrix[i].length != n) {
        throw new IllegalArgumentException("the matrix is not square");
      }
      a[i] = matrix[i].clone();
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    double norm = 0;
    for (double[] row : a) {
      for (double x : row) {
        norm += x * x;
      }
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-32 * norm || off == 0) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          // The rotation (c, s) with tan(2 phi) = 2 a_pq / (a_qq - a_pp), the smaller root for stability.
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(a[x][x], a[y][y]));
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int i = 0; i < n; i++) {
      values[i] = a[order[i]][order[i]];
      for (int k = 0; k < n; k++) {
        vectors[i][k] = v[k][order[i]];
      }
    }
    return new Decomposition(values, vectors);
  }
}
