package eqaug.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SplitMix64Test {
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  /**
   * SplitMix64 written independently, in unbounded integers reduced mod 2^64 (no Java long overflow), from
   * its published definition: state += golden gamma; z = state; z = (z xor z >> 30) * C1; z = (z xor z >> 27)
   * * C2; z xor z >> 31.
   */
  private static final class Reference {
    private static final BigInteger GAMMA = new BigInteger("9e3779b97f4a7c15", 16);
    private static final BigInteger C1 = new BigInteger("bf58476d1ce4e5b9", 16);
    private static final BigInteger C2 = new BigInteger("94d049bb133111eb", 16);
    private BigInteger state;

    Reference(long seed) {
      state = BigInteger.valueOf(seed).mod(TWO_64);
    }

    BigInteger next() {
      state = state.add(GAMMA).mod(TWO_64);
      BigInteger z = state;
      z = z.xor(z.shiftRight(30)).multiply(C1).mod(TWO_64);
      z = z.xor(z.shiftRight(27)).multiply(C2).mod(TWO_64);
      return z.xor(z.shiftRight(31));
    }
  }

  @Test
  void outputsAreSplitMix64() {
    for (long seed : new long[] {0, 1, -1, 1234567, Long.MIN_VALUE, 0x0123456789abcdefL}) {
      SplitMix64 g = new SplitMix64(seed);
      Reference r = new Reference(seed);
      for (int i = 0; i < 1000; i++) {
        assertEquals(r.next(), new BigInteger(Long.toUnsignedString(g.nextLong())), "seed " + seed + ", draw " + i);
      }
    }
  }

  @Test
  void knownFirstOutputOfSeedZero() {
    // The first output of SplitMix64 from state 0, as published with the reference C code (Vigna).
    assertEquals(0xe220a8397b1dcdafL, new SplitMix64(0).nextLong());
  }

  @Test
  void derivedDrawsFollowTheirSpecification() {
    SplitMix64 g = new SplitMix64(77);
    Reference r = new Reference(77);
    for (int i = 0; i < 200; i++) {
      BigInteger x = r.next();
      switch (i % 4) {
        case 0 -> assertEquals(x.shiftRight(32).intValue(), g.nextInt());
        case 1 -> assertEquals(x.shiftRight(11).doubleValue() / Math.pow(2, 53), g.nextDouble());
        case 2 -> assertEquals(x.shiftRight(40).floatValue() / (float) (1 << 24), g.nextFloat());
        default -> assertEquals(x.testBit(63), g.nextBoolean());
      }
    }
  }

  @Test
  void boundedIntIsLemiresMethod() {
    // Lemire: m = (x >> 32) * bound; redraw while m mod 2^32 < 2^32 mod bound; answer m >> 32.
    for (int bound : new int[] {1, 2, 3, 7, 10, 1000, (1 << 30) + 1, Integer.MAX_VALUE}) {
      SplitMix64 g = new SplitMix64(bound);
      Reference r = new Reference(bound);
      long threshold = (1L << 32) % bound;
      for (int i = 0; i < 300; i++) {
        BigInteger m;
        do {
          m = r.next().shiftRight(32).multiply(BigInteger.valueOf(bound));
        } while (m.mod(BigInteger.ONE.shiftLeft(32)).longValue() < threshold);
        assertEquals(m.shiftRight(32).intValue(), g.nextInt(bound), "bound " + bound + ", draw " + i);
      }
    }
  }

  @Test
  void boundedDrawsStayInRange() {
    SplitMix64 g = new SplitMix64(5);
    for (int i = 0; i < 100_000; i++) {
      int b = 1 + (i % 37);
      int v = g.nextInt(b);
      assertTrue(v >= 0 && v < b);
      int w = g.nextInt(-5, b);
      assertTrue(w >= -5 && w < b);
      int full = g.nextInt(Integer.MIN_VALUE + 3, Integer.MAX_VALUE - 2);
      assertTrue(full >= Integer.MIN_VALUE + 3 && full < Integer.MAX_VALUE - 2);
      long lb = 1 + (long) i * 1_000_003L * 92_233_720L;
      long lv = g.nextLong(lb);
      assertTrue(lv >= 0 && lv < lb);
      long lw = g.nextLong(-lb, 3);
      assertTrue(lw >= -lb && lw < 3);
      double d = g.nextDouble();
      assertTrue(d >= 0 && d < 1);
      double e = g.nextDouble(-2.5, -2.25);
      assertTrue(e >= -2.5 && e < -2.25);
      float f = g.nextFloat();
      assertTrue(f >= 0 && f < 1);
    }
    assertThrows(IllegalArgumentException.class, () -> g.nextInt(0));
    assertThrows(IllegalArgumentException.class, () -> g.nextLong(-1));
    assertThrows(IllegalArgumentException.class, () -> g.nextInt(3, 3));
    assertThrows(IllegalArgumentException.class, () -> g.nextDouble(1, Double.NaN));
  }

  /** Pearson's statistic of counts against equal expectations. */
  private static double chiSquare(long[] counts, long total) {
    double expected = (double) total / counts.length;
    double s = 0;
    for (long c : counts) {
      s += (c - expected) * (c - expected) / expected;
    }
    return s;
  }

  @Test
  void boundedDrawsAreUniform() {
    // 99.9 % quantiles of chi-square: df 9 -> 27.88, df 99 -> 148.23, df 2 -> 13.82.
    SplitMix64 g = new SplitMix64(2024);
    int n = 1_000_000;
    long[] ten = new long[10];
    long[] hundred = new long[100];
    long[] three = new long[3];
    long[] bigThirds = new long[3];
    // A bound just above 2^31 * 2/3 makes plain "x mod bound" favour the low two thirds of the range by 2:1.
    long bigBound = (3L << 61) + 1;
    for (int i = 0; i < n; i++) {
      ten[g.nextInt(10)]++;
      hundred[g.nextInt(100)]++;
      three[(int) g.nextLong(3)]++;
      bigThirds[(int) (g.nextLong(bigBound) / (bigBound / 3 + 1))]++;
    }
    assertTrue(chiSquare(ten, n) < 27.88, "nextInt(10): chi2 " + chiSquare(ten, n));
    assertTrue(chiSquare(hundred, n) < 148.23, "nextInt(100): chi2 " + chiSquare(hundred, n));
    assertTrue(chiSquare(three, n) < 13.82, "nextLong(3): chi2 " + chiSquare(three, n));
    assertTrue(chiSquare(bigThirds, n) < 13.82, "nextLong(3 * 2^61 + 1) by thirds: chi2 " + chiSquare(bigThirds, n));
    long[] intThirds = new long[3];
    int intBound = (int) ((3L << 29) + 1);
    for (int i = 0; i < n; i++) {
      intThirds[g.nextInt(intBound) / (intBound / 3 + 1)]++;
    }
    assertTrue(chiSquare(intThirds, n) < 13.82, "nextInt(3 * 2^29 + 1) by thirds: chi2 " + chiSquare(intThirds, n));
  }

  @Test
  void gaussianHasStandardMomentsAndTails() {
    SplitMix64 g = new SplitMix64(31);
    int n = 2_000_000;
    double sum = 0;
    double sumSq = 0;
    double sumFourth = 0;
    int beyond2 = 0;
    int beyond3 = 0;
    for (int i = 0; i < n; i++) {
      double x = g.nextGaussian();
      sum += x;
      sumSq += x * x;
      sumFourth += x * x * x * x;
      if (Math.abs(x) > 2) {
        beyond2++;
      }
      if (Math.abs(x) > 3) {
        beyond3++;
      }
    }
    double mean = sum / n;
    double var = sumSq / n - mean * mean;
    // Standard errors: mean 1/sqrt(n) = 7e-4, variance sqrt(2/n) = 1e-3, kurtosis sqrt(96/n) = 7e-3; 5 sigma.
    assertEquals(0, mean, 3.5e-3, "mean");
    assertEquals(1, var, 5e-3, "variance");
    assertEquals(3, sumFourth / n, 3.5e-2, "fourth moment");
    // P(|X| > 2) = 0.0455003, P(|X| > 3) = 0.0026998; binomial standard errors 1.5e-4 and 3.7e-5, 5 sigma.
    assertEquals(0.0455003, (double) beyond2 / n, 7.5e-4, "P(|X| > 2)");
    assertEquals(0.0026998, (double) beyond3 / n, 1.9e-4, "P(|X| > 3)");
  }

  @Test
  void gaussianIsThePolarMethodWithStrictMath() {
    SplitMix64 g = new SplitMix64(8);
    SplitMix64 u = new SplitMix64(8);
    for (int i = 0; i < 1000; i++) {
      double a;
      double b;
      double s;
      do {
        a = 2 * u.nextDouble() - 1;
        b = 2 * u.nextDouble() - 1;
        s = a * a + b * b;
      } while (s >= 1 || s == 0);
      double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
      assertEquals(a * f, g.nextGaussian(), "pair " + i + ", first");
      assertEquals(3 + 2 * (b * f), g.nextGaussian(3, 2), "pair " + i + ", second (the kept one, mean 3, sd 2)");
    }
  }
}
