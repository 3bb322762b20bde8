package eqaug.data;

import java.util.random.RandomGenerator;

/**
 * The segmentation images of App. C.3: each image shows one regular pentagon or one equilateral triangle
 * (equally likely) with vertices on the unit circle scaled by a uniform factor in [0.7, 0.8], all in the
 * same orientation, placed uniformly at random wholly inside the canvas [-1, 1]^2 (as in the authors'
 * code, whose shapes may leave the canvas; here they never do). The shape is rendered with
 * {@value #SUPERSAMPLING}^2 samples per pixel, so a pixel's value is the fraction of it the shape covers.
 * Targets are two 0/1 masks, pentagon first and triangle second: the pixels more than half covered by
 * that shape, all zero when the shape is absent.
 */
public final class Shapes {
  public static final int SUPERSAMPLING = 16;
  public static final int PENTAGON = 0;
  public static final int TRIANGLE = 1;

  private Shapes() {}

  public static Dataset generate(int count, int n, RandomGenerator rng) {
    if (count < 1 || n < 2) {
      throw new IllegalArgumentException("need at least one image of at least 2 x 2 pixels");
    }
    int px = n * n;
    float[] x = new float[count * px];
    float[] y = new float[count * 2 * px];
    float[] coverage = new float[px];
    for (int i = 0; i < count; i++) {
      int shape = rng.nextBoolean() ? PENTAGON : TRIANGLE;
      int sides = shape == PENTAGON ? 5 : 3;
      double r = 0.7 + 0.1 * rng.nextDouble();
      double[] vx = new double[sides];
      double[] vy = new double[sides];
      double minX = Double.MAX_VALUE;
      double maxX = -Double.MAX_VALUE;
      double minY = Double.MAX_VALUE;
      double maxY = -Double.MAX_VALUE;
      for (int k = 0; k < sides; k++) {
        vx[k] = r * StrictMath.cos(2 * Math.PI * k / sides);
        vy[k] = r * StrictMath.sin(2 * Math.PI * k / sides);
        minX = Math.min(minX, vx[k]);
        maxX = Math.max(maxX, vx[k]);
        minY = Math.min(minY, vy[k]);
        maxY = Math.max(maxY, vy[k]);
      }
      // A uniform offset among those that keep every vertex (hence the convex shape) inside the canvas.
      double ox = (-1 - minX) + (2 - (maxX - minX)) * rng.nextDouble();
      double oy = (-1 - minY) + (2 - (maxY - minY)) * rng.nextDouble();
      for (int k = 0; k < sides; k++) {
        vx[k] += ox;
        vy[k] += oy;
      }
      render(vx, vy, n, coverage);
      System.arraycopy(coverage, 0, x, i * px, px);
      int mask = i * 2 * px + shape * px;
      for (int p = 0; p < px; p++) {
        y[mask + p] = coverage[p] > 0.5f ? 1f : 0f;
      }
    }
    return new Dataset("shapes", x, y, count, px, 2 * px);
  }

  /** The fraction of each pixel of an n x n grid over [-1, 1]^2 (row 0 at the top) inside the convex polygon. */
  static void render(double[] vx, double[] vy, int n, float[] out) {
    int s = SUPERSAMPLING;
    double step = 2.0 / (n * s);
    for (int row = 0; row < n; row++) {
      for (int col = 0; col < n; col++) {
        int inside = 0;
        for (int a = 0; a < s; a++) {
          double py = 1 - (row * s + a + 0.5) * step;
          for (int b = 0; b < s; b++) {
            double pxv = -1 + (col * s + b + 0.5) * step;
            if (contains(vx, vy, pxv, py)) {
              inside++;
            }
          }
        }
        out[row * n + col] = inside / (float) (s * s);
      }
    }
  }

  /** Whether (x, y) lies in the convex polygon whose vertices run counter-clockwise. */
  static boolean contains(double[] vx, double[] vy, double x, double y) {
    int k = vx.length;
    for (int i = 0; i < k; i++) {
      int j = (i + 1) % k;
      double cross = (vx[j] - vx[i]) * (y - vy[i]) - (vy[j] - vy[i]) * (x - vx[i]);
      if (cross < 0) {
        return false;
      }
    }
    return true;
  }
}
