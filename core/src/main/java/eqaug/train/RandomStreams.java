package eqaug.train;

import eqaug.random.SplitMix64;

/**
 * The independent random streams of one experiment, each a pure function of (seed, purpose, run), so a
 * run's numbers do not depend on which runs or strategies were executed before it, nor on threads, nor
 * on the JVM: each stream is a {@link SplitMix64}, whose every draw eqaug specifies.
 */
public record RandomStreams(long seed) {
  /**
   * The identity of the generator and samplers behind every stream ({@link SplitMix64}): recorded with
   * results, and changed whenever any draw it specifies would give other numbers for the same seed.
   */
  public static final String GENERATOR = "splitmix64-polar-v1";

  private static final long DATA = 0x64617461L;
  private static final long INIT = 0x696e6974L;
  private static final long AUGMENT = 0x61756720L;
  private static final long HESSIAN = 0x68657373L;
  private static final long PERTURB = 0x70657274L;

  /** The data set (shared by all runs). */
  public SplitMix64 data() {
    return stream(DATA, 0);
  }

  /** Run r's initial weights A^0. */
  public SplitMix64 init(int run) {
    return stream(INIT, run);
  }

  /** Run r's group draws for AUGMENTED. */
  public SplitMix64 augment(int run) {
    return stream(AUGMENT, run);
  }

  /** Run r's draws for the stability analysis (Haar draws of H^aug, Lanczos starts); not used by training. */
  public SplitMix64 hessian(int run) {
    return stream(HESSIAN, run);
  }

  /** Run r's perturbation direction u (--perturb); not used otherwise. */
  public SplitMix64 perturb(int run) {
    return stream(PERTURB, run);
  }

  private SplitMix64 stream(long purpose, long run) {
    return new SplitMix64(mix(mix(seed ^ mix(purpose)) + run));
  }

  /** SplitMix64's finaliser: a bijection that scrambles nearby inputs apart. */
  static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
