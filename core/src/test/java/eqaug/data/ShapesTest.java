package eqaug.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The segmentation images of App. C.3 (3000 images of 14 x 14, as in the paper): masks consistent with
 * the coverage image, one shape per image, its area that of a regular polygon of circumradius in
 * [0.7, 0.8] lying wholly on the canvas, balanced classes, one common orientation, reproducibility.
 */
class ShapesTest {
  static final int N = 14;
  static final int PX = N * N;
  static final int COUNT = 3000;
  /** Area of the regular polygon with unit circumradius: (k/2) sin(2 pi / k). */
  static final double PENTAGON_UNIT_AREA = 2.5 * Math.sin(Math.toRadians(72));
  static final double TRIANGLE_UNIT_AREA = 3 * Math.sqrt(3) / 4;

  static Dataset data;

  @BeforeAll
  static void generate() {
    data = Shapes.generate(COUNT, N, new SplittableRandom(20240611L));
  }

  static float x(int image, int p) {
    return data.inputs()[image * PX + p];
  }

  static float mask(int image, int shape, int p) {
    return data.targets()[image * 2 * PX + shape * PX + p];
  }

  /** Which mask is non-empty (asserting exactly one is). */
  static int shapeOf(int image) {
    boolean pent = false;
    boolean tri = false;
    for (int p = 0; p < PX; p++) {
      pent |= mask(image, Shapes.PENTAGON, p) != 0;
      tri |= mask(image, Shapes.TRIANGLE, p) != 0;
    }
    assertTrue(pent ^ tri, "image " + image + " needs exactly one non-empty mask (pentagon " + pent + ", triangle " + tri + ")");
    return pent ? Shapes.PENTAGON : Shapes.TRIANGLE;
  }

  static double coverageArea(int image) {
    double s = 0;
    for (int p = 0; p < PX; p++) {
      s += x(image, p);
    }
    return s;
  }

  /** Area in pixels of the polygon of circumradius r: canvas [-1, 1]^2 has n/2 pixels per unit length. */
  static double pixelArea(int shape, double r, int n) {
    double unit = shape == Shapes.PENTAGON ? PENTAGON_UNIT_AREA : TRIANGLE_UNIT_AREA;
    return unit * r * r * (n / 2.0) * (n / 2.0);
  }

  // ------------------------------------------------------------------ shape of the data

  @Test
  void dimensionsAreOneImageAndTwoMasksPerSample() {
    assertEquals(COUNT, data.size());
    assertEquals(PX, data.inputDim());
    assertEquals(2 * PX, data.targetDim());
  }

  @Test
  void masksAreBinaryDisjointAndExactlyOneIsNonEmpty() {
    for (int i = 0; i < COUNT; i++) {
      shapeOf(i);
      for (int p = 0; p < PX; p++) {
        float a = mask(i, Shapes.PENTAGON, p);
        float b = mask(i, Shapes.TRIANGLE, p);
        if (!((a == 0f || a == 1f) && (b == 0f || b == 1f))) {
          fail("mask values must be 0 or 1: " + a + ", " + b);
        }
        if (a == 1f && b == 1f) {
          fail("masks overlap at image " + i + ", pixel " + p);
        }
      }
    }
  }

  @Test
  void theUnionOfTheMasksIsThePixelsMoreThanHalfCovered() {
    for (int i = 0; i < COUNT; i++) {
      for (int p = 0; p < PX; p++) {
        float v = x(i, p);
        if (!(v >= 0f && v <= 1f)) {
          fail("coverage " + v + " outside [0, 1]");
        }
        boolean union = mask(i, Shapes.PENTAGON, p) == 1f || mask(i, Shapes.TRIANGLE, p) == 1f;
        if ((v > 0.5f) != union) {
          fail("image " + i + ", pixel " + p + ": coverage " + v + " but mask union " + union);
        }
      }
    }
  }

  @Test
  void coverageIsQuantisedToTheSupersamplingGrid() {
    // A pixel's value is (samples inside) / SUPERSAMPLING^2, so it is a multiple of 1/256.
    float q = Shapes.SUPERSAMPLING * Shapes.SUPERSAMPLING;
    for (int i = 0; i < 200; i++) {
      for (int p = 0; p < PX; p++) {
        float k = x(i, p) * q;
        if (Math.abs(Math.round(k) - k) > 1e-3) {
          fail("coverage " + x(i, p) + " is not a multiple of 1/" + q);
        }
      }
    }
  }

  // ------------------------------------------------------------------ geometry

  /**
   * Sampling a polygon boundary of length P (in pixels) with 16 x 16 samples per pixel misjudges at most
   * the sub-cells the boundary crosses, and these errors largely cancel along straight edges: half a pixel
   * of area (under 1% of a shape) is generous. A shape leaving the canvas loses far more of its area.
   */
  static final double AREA_TOLERANCE = 0.5;

  @Test
  void eachShapeHasTheAreaOfAWhollyVisiblePolygonOfCircumradiusBetweenPoint7AndPoint8() {
    double[] minR = {Double.MAX_VALUE, Double.MAX_VALUE};
    double[] maxR = {0, 0};
    for (int i = 0; i < COUNT; i++) {
      int s = shapeOf(i);
      double area = coverageArea(i);
      double lo = pixelArea(s, 0.7, N) - AREA_TOLERANCE;
      double hi = pixelArea(s, 0.8, N) + AREA_TOLERANCE;
      assertTrue(area >= lo && area <= hi,
          "image " + i + " (" + (s == Shapes.PENTAGON ? "pentagon" : "triangle") + "): area " + area
              + " px not in [" + lo + ", " + hi + "]");
      double r = Math.sqrt(area / pixelArea(s, 1, N));
      minR[s] = Math.min(minR[s], r);
      maxR[s] = Math.max(maxR[s], r);
      // The shape (at most 1.9 r wide) never fills the canvas: some pixels are empty.
      boolean someEmpty = false;
      for (int p = 0; p < PX && !someEmpty; p++) {
        someEmpty = x(i, p) == 0f;
      }
      assertTrue(someEmpty, "image " + i + " has no empty pixel");
    }
    // The scale is drawn over the whole interval: with ~1500 uniform draws per shape, both ends are reached.
    for (int s = 0; s < 2; s++) {
      assertTrue(minR[s] < 0.715, "smallest estimated radius " + minR[s]);
      assertTrue(maxR[s] > 0.785, "largest estimated radius " + maxR[s]);
    }
  }

  @Test
  void areaScalesWithTheCanvasResolution() {
    // The same geometry on a 28 x 28 grid covers four times as many pixels.
    int n = 28;
    Dataset big = Shapes.generate(300, n, new SplittableRandom(7));
    int px = n * n;
    for (int i = 0; i < big.size(); i++) {
      boolean pent = false;
      double area = 0;
      for (int p = 0; p < px; p++) {
        pent |= big.targets()[i * 2 * px + p] != 0;
        area += big.inputs()[i * px + p];
      }
      int s = pent ? Shapes.PENTAGON : Shapes.TRIANGLE;
      double lo = pixelArea(s, 0.7, n) - 2 * AREA_TOLERANCE;
      double hi = pixelArea(s, 0.8, n) + 2 * AREA_TOLERANCE;
      assertTrue(area >= lo && area <= hi, "28x28 image " + i + ": area " + area + " not in [" + lo + ", " + hi + "]");
    }
  }

  // ------------------------------------------------------------------ orientation

  /**
   * The integral of x^k over a polygon (vertices in order), by Green's theorem: the integral of
   * x^(k+1)/(k+1) dy along each edge, exact for polynomials.
   */
  static double polygonMomentX(double[] vx, double[] vy, int k) {
    double sum = 0;
    int m = vx.length;
    for (int i = 0; i < m; i++) {
      int j = (i + 1) % m;
      double inner = 0;
      for (int e = 0; e <= k + 1; e++) {
        inner += Math.pow(vx[i], e) * Math.pow(vx[j], k + 1 - e);
      }
      sum += (vy[j] - vy[i]) * inner / ((k + 1) * (k + 2));
    }
    return sum;
  }

  /**
   * The complex moment c_k = integral of z^k dA (z = x + iy) of a polygon star-shaped about 0, exact: over
   * each fan triangle (0, a, b), the integral of a holomorphic monomial z^k is
   * 2 |T| k! / (k+2)! h_k(0, a, b) with h_k the complete homogeneous polynomial, here sum_j a^j b^(k-j).
   */
  static double[] polygonComplexMoment(double[] vx, double[] vy, int k) {
    double re = 0;
    double im = 0;
    int m = vx.length;
    for (int i = 0; i < m; i++) {
      int j = (i + 1) % m;
      double area = Math.abs(vx[i] * vy[j] - vx[j] * vy[i]) / 2;
      double hr = 0;
      double hi = 0;
      for (int e = 0; e <= k; e++) {
        double[] p = mul(pow(vx[i], vy[i], e), pow(vx[j], vy[j], k - e));
        hr += p[0];
        hi += p[1];
      }
      double f = 2 * area / ((k + 1.0) * (k + 2.0)); // k!/(k+2)! = 1/((k+1)(k+2))
      re += f * hr;
      im += f * hi;
    }
    return new double[] {re, im};
  }

  static double[] mul(double[] a, double[] b) {
    return new double[] {a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]};
  }

  static double[] pow(double x, double y, int e) {
    double[] r = {1, 0};
    for (int i = 0; i < e; i++) {
      r = mul(r, new double[] {x, y});
    }
    return r;
  }

  /** The regular k-gon with a vertex at angle 0 (pointing right), unit circumradius, counter-clockwise. */
  static double[][] regular(int k) {
    double[] vx = new double[k];
    double[] vy = new double[k];
    for (int i = 0; i < k; i++) {
      vx[i] = Math.cos(2 * Math.PI * i / k);
      vy[i] = Math.sin(2 * Math.PI * i / k);
    }
    return new double[][] {vx, vy};
  }

  /**
   * c_k / (A (J/A)^(k/2)) with A the area and J the polar moment about the centroid: a complex number
   * independent of scale and position that turns by k * phi when the shape turns by phi.
   */
  static double[] normalisedReference(int k) {
    double[][] v = regular(k);
    double area = polygonMomentX(v[0], v[1], 0);
    // integral of y^2: Green's formula on the mirrored polygon (x and y swapped reverses the orientation).
    double j = polygonMomentX(v[0], v[1], 2) - polygonMomentX(v[1], v[0], 2);
    double[] c = polygonComplexMoment(v[0], v[1], k);
    double scale = area * Math.pow(j / area, k / 2.0);
    return new double[] {c[0] / scale, c[1] / scale};
  }

  /** The same quantity from an image's coverage, pixels at their centres (y up, row 0 at the top). */
  static double[] normalisedImageMoment(int image, int k) {
    double m0 = 0;
    double cx = 0;
    double cy = 0;
    for (int row = 0; row < N; row++) {
      for (int col = 0; col < N; col++) {
        double w = x(image, row * N + col);
        m0 += w;
        cx += w * (-1 + (col + 0.5) * 2.0 / N);
        cy += w * (1 - (row + 0.5) * 2.0 / N);
      }
    }
    cx /= m0;
    cy /= m0;
    double j = 0;
    double re = 0;
    double im = 0;
    for (int row = 0; row < N; row++) {
      for (int col = 0; col < N; col++) {
        double w = x(image, row * N + col);
        double dx = -1 + (col + 0.5) * 2.0 / N - cx;
        double dy = 1 - (row + 0.5) * 2.0 / N - cy;
        j += w * (dx * dx + dy * dy);
        double[] p = pow(dx, dy, k);
        re += w * p[0];
        im += w * p[1];
      }
    }
    double scale = m0 * Math.pow(j / m0, k / 2.0);
    return new double[] {re / scale, im / scale};
  }

  /**
   * All shapes share one orientation, a vertex at angle 0 (as in App. C.3 and the authors' code). A k-gon's
   * k-th complex moment about its centroid is the lowest one that sees its orientation (lower ones are
   * those of a disc); turning the shape by phi turns it by k phi. So every image of a k-gon must show the
   * exact moment of the k-gon with a vertex pointing right: a rotated, mirrored (vertex pointing left = a
   * turn by pi/k, which negates the moment) or randomly oriented shape fails. The tolerance of a quarter of
   * the moment's size bounds the shape's rotation by about 0.25/k rad (under 3 degrees for a pentagon).
   */
  @Test
  void everyShapeHasAVertexPointingRight() {
    double[][] refs = {normalisedReference(5), normalisedReference(3)};
    for (double[] ref : refs) {
      assertTrue(ref[0] > 0.05 && Math.abs(ref[1]) < 1e-12, "reference " + ref[0] + " + " + ref[1] + "i");
    }
    for (int i = 0; i < COUNT; i++) {
      int s = shapeOf(i);
      int k = s == Shapes.PENTAGON ? 5 : 3;
      double[] ref = refs[s];
      double[] got = normalisedImageMoment(i, k);
      double err = Math.hypot(got[0] - ref[0], got[1] - ref[1]);
      assertTrue(err < 0.25 * ref[0], "image " + i + " (" + k + "-gon): normalised moment " + got[0] + " + "
          + got[1] + "i, expected " + ref[0]);
    }
  }

  // ------------------------------------------------------------------ statistics and reproducibility

  @Test
  void pentagonsAndTrianglesAreEquallyLikely() {
    int pentagons = 0;
    for (int i = 0; i < COUNT; i++) {
      if (shapeOf(i) == Shapes.PENTAGON) {
        pentagons++;
      }
    }
    double fraction = pentagons / (double) COUNT;
    // Binomial(3000, 1/2): standard deviation 0.0091, so 0.04 is more than 4 sigma.
    assertEquals(0.5, fraction, 0.04, "fraction of pentagons");
  }

  @Test
  void positionsVaryAcrossTheCanvas() {
    // Uniform placement: coverage centroids spread over most of the allowed range in both directions.
    double minX = 1;
    double maxX = -1;
    double minY = 1;
    double maxY = -1;
    for (int i = 0; i < COUNT; i++) {
      double m0 = 0;
      double cx = 0;
      double cy = 0;
      for (int row = 0; row < N; row++) {
        for (int col = 0; col < N; col++) {
          double w = x(i, row * N + col);
          m0 += w;
          cx += w * (-1 + (col + 0.5) * 2.0 / N);
          cy += w * (1 - (row + 0.5) * 2.0 / N);
        }
      }
      cx /= m0;
      cy /= m0;
      minX = Math.min(minX, cx);
      maxX = Math.max(maxX, cx);
      minY = Math.min(minY, cy);
      maxY = Math.max(maxY, cy);
    }
    // A polygon's centroid is its centre. A triangle of circumradius 0.7 spans x in [-0.35, 0.7] and
    // y in [-0.61, 0.61], so its centre may lie in x over [-0.65, 0.3] (0.95 wide) and in y over
    // [-0.39, 0.39] (0.79 wide); larger shapes and pentagons have narrower ranges (down to 0.48 for a
    // pentagon of 0.8). Over 3000 uniform placements the observed spans must exceed 0.6.
    assertTrue(maxX - minX > 0.6, "x centroids span " + minX + " .. " + maxX);
    assertTrue(maxY - minY > 0.6, "y centroids span " + minY + " .. " + maxY);
  }

  @Test
  void theSameSeedGivesTheSameImagesAndAnotherSeedOthers() {
    Dataset a = Shapes.generate(50, N, new SplittableRandom(99));
    Dataset b = Shapes.generate(50, N, new SplittableRandom(99));
    Dataset c = Shapes.generate(50, N, new SplittableRandom(100));
    assertArrayEquals(a.inputs(), b.inputs());
    assertArrayEquals(a.targets(), b.targets());
    assertFalse(java.util.Arrays.equals(a.inputs(), c.inputs()));
  }
}
