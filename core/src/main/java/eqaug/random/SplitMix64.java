package eqaug.random;

import java.util.random.RandomGenerator;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014, with
 * the output mix "variant 13" of Stafford) with every derived draw specified here, so that a seed gives
 * the same numbers on every JVM: no method falls through to a JDK default whose algorithm may change
 * between releases (as {@code SplittableRandom.nextGaussian} did between Java 17 and 19).
 *
 * <ul>
 *   <li>{@link #nextLong()}: {@code state += 0x9e3779b97f4a7c15}, then {@code z = state},
 *       {@code z = (z ^ z>>>30) * 0xbf58476d1ce4e5b9}, {@code z = (z ^ z>>>27) * 0x94d049bb133111eb},
 *       result {@code z ^ z>>>31}.
 *   <li>{@link #nextInt()}: the high 32 bits of nextLong(). {@link #nextBoolean()}: its top bit.
 *   <li>{@link #nextDouble()}: the top 53 bits of nextLong() times 2^-53; {@link #nextFloat()}: the top 24
 *       bits times 2^-24. Both lie in [0, 1).
 *   <li>{@link #nextInt(int)}: Lemire's multiply-shift with rejection (ACM TOMACS 2019): m = nextInt() as
 *       unsigned times bound; while the low 32 bits of m are below 2^32 mod bound, draw again; the result is
 *       m's high 32 bits. Exactly uniform.
 *   <li>{@link #nextLong(long)}: r = nextLong() >>> 1, redrawn while r >= 2^63 - (2^63 mod bound); result r
 *       mod bound. Exactly uniform.
 *   <li>Ranges [origin, bound): origin plus a bounded draw of the width when it fits in the type, else
 *       plain draws rejected until they fall in the range. For doubles and floats: origin + width u,
 *       lowered to the largest value below bound if rounding reached it.
 *   <li>{@link #nextGaussian()}: Marsaglia's polar method. u = 2 nextDouble() - 1, v = 2 nextDouble() - 1,
 *       redrawn (both) while s = u u + v v is 0 or at least 1; f = StrictMath.sqrt(-2 StrictMath.log(s) / s)
 *       (evaluated as ((-2 log s) / s)); returns u f and keeps v f, which the next call returns without
 *       drawing.
 *   <li>{@link #nextExponential()}: -StrictMath.log(1 - nextDouble()).
 * </ul>
 * Not thread-safe; one generator per stream.
 */
public final class SplitMix64 implements RandomGenerator {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;
  private boolean hasSpare;
  private double spare;

  /** A generator whose first output is the mix of {@code seed + 0x9e3779b97f4a7c15}. */
  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** The output function: a bijection of the 64-bit integers that scatters nearby inputs. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  @Override
  public int nextInt() {
    return (int) (nextLong() >>> 32);
  }

  @Override
  public boolean nextBoolean() {
    return nextLong() < 0;
  }

  @Override
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  @Override
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  @Override
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long m = (nextLong() >>> 32) * bound;
    if ((m & 0xffffffffL) < bound) {
      long threshold = (1L << 32) % bound;
      while ((m & 0xffffffffL) < threshold) {
        m = (nextLong() >>> 32) * bound;
      }
    }
    return (int) (m >>> 32);
  }

  @Override
  public int nextInt(int origin, int bound) {
    if (origin >= bound) {
      throw new IllegalArgumentException("origin " + origin + " must be below bound " + bound);
    }
    int width = bound - origin;
    if (width > 0) {
      return origin + nextInt(width);
    }
    int r;
    do {
      r = nextInt();
    } while (r < origin || r >= bound);
    return r;
  }

  @Override
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    // 2^63 mod bound, computed without leaving the longs.
    long excess = (Long.MAX_VALUE % bound + 1) % bound;
    long limit = Long.MIN_VALUE - excess; // 2^63 - excess, read as unsigned
    long r;
    do {
      r = nextLong() >>> 1;
    } while (Long.compareUnsigned(r, limit) >= 0);
    return r % bound;
  }

  @Override
  public long nextLong(long origin, long bound) {
    if (origin >= bound) {
      throw new IllegalArgumentException("origin " + origin + " must be below bound " + bound);
    }
    long width = bound - origin;
    if (width > 0) {
      return origin + nextLong(width);
    }
    long r;
    do {
      r = nextLong();
    } while (r < origin || r >= bound);
    return r;
  }

  @Override
  public double nextDouble(double bound) {
    return nextDouble(0, bound);
  }

  @Override
  public double nextDouble(double origin, double bound) {
    if (!(origin < bound) || !Double.isFinite(bound - origin)) {
      throw new IllegalArgumentException("need a finite range origin < bound, got [" + origin + ", " + bound + ")");
    }
    double r = origin + (bound - origin) * nextDouble();
    return r < bound ? r : Math.nextDown(bound);
  }

  @Override
  public float nextFloat(float bound) {
    return nextFloat(0, bound);
  }

  @Override
  public float nextFloat(float origin, float bound) {
    if (!(origin < bound) || !Float.isFinite(bound - origin)) {
      throw new IllegalArgumentException("need a finite range origin < bound, got [" + origin + ", " + bound + ")");
    }
    float r = origin + (bound - origin) * nextFloat();
    return r < bound ? r : Math.nextDown(bound);
  }

  @Override
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    spare = v * f;
    hasSpare = true;
    return u * f;
  }

  @Override
  public double nextGaussian(double mean, double stddev) {
    if (!(stddev >= 0) || !Double.isFinite(stddev)) {
      throw new IllegalArgumentException("standard deviation must be finite and non-negative, got " + stddev);
    }
    return mean + stddev * nextGaussian();
  }

  @Override
  public double nextExponential() {
    return -StrictMath.log(1 - nextDouble());
  }

  @Override
  public void nextBytes(byte[] bytes) {
    // Eight bytes per draw, least significant first; a last partial draw uses its low bytes.
    int i = 0;
    while (i < bytes.length) {
      long r = nextLong();
      for (int b = 0; b < 8 && i < bytes.length; b++, r >>>= 8) {
        bytes[i++] = (byte) r;
      }
    }
  }

  // The JDK's default streams draw through its own bounded algorithms; these draw through the ones above.

  @Override
  public IntStream ints() {
    return IntStream.generate(this::nextInt).sequential();
  }

  @Override
  public IntStream ints(long size) {
    return ints().limit(checkSize(size));
  }

  @Override
  public IntStream ints(int origin, int bound) {
    checkRange(origin < bound, origin, bound);
    return IntStream.generate(() -> nextInt(origin, bound)).sequential();
  }

  @Override
  public IntStream ints(long size, int origin, int bound) {
    return ints(origin, bound).limit(checkSize(size));
  }

  @Override
  public LongStream longs() {
    return LongStream.generate(this::nextLong).sequential();
  }

  @Override
  public LongStream longs(long size) {
    return longs().limit(checkSize(size));
  }

  @Override
  public LongStream longs(long origin, long bound) {
    checkRange(origin < bound, origin, bound);
    return LongStream.generate(() -> nextLong(origin, bound)).sequential();
  }

  @Override
  public LongStream longs(long size, long origin, long bound) {
    return longs(origin, bound).limit(checkSize(size));
  }

  @Override
  public DoubleStream doubles() {
    return DoubleStream.generate(this::nextDouble).sequential();
  }

  @Override
  public DoubleStream doubles(long size) {
    return doubles().limit(checkSize(size));
  }

  @Override
  public DoubleStream doubles(double origin, double bound) {
    checkRange(origin < bound && Double.isFinite(bound - origin), origin, bound);
    return DoubleStream.generate(() -> nextDouble(origin, bound)).sequential();
  }

  @Override
  public DoubleStream doubles(long size, double origin, double bound) {
    return doubles(origin, bound).limit(checkSize(size));
  }

  private static long checkSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("stream size must be non-negative, got " + size);
    }
    return size;
  }

  private static void checkRange(boolean ok, Object origin, Object bound) {
    if (!ok) {
      throw new IllegalArgumentException("need origin < bound, got [" + origin + ", " + bound + ")");
    }
  }
}
