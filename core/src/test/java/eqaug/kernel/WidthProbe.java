package eqaug.kernel;

import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.data.Shapes;
import eqaug.nn.Architecture;
import eqaug.nn.Network;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.Initializer;
import eqaug.train.RandomStreams;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Run in a child JVM by {@link VectorWidthTest} at one -Deqaug.vectorBits: prints the vector width, then a
 * SHA-256 of the bits of each kernel family's outputs (GEMM at ragged shapes with every transpose and beta,
 * reductions and elementwise kernels at ragged lengths) and of short trainings of Experiments 1 and 3
 * through the Trainer, all three strategies. Widths that agree print the same lines after the first.
 */
public final class WidthProbe {
  private WidthProbe() {}

  /** Collects raw bits. */
  private static final class Hash {
    private final MessageDigest md;
    private final ByteBuffer buf = ByteBuffer.allocate(8);

    Hash() throws NoSuchAlgorithmException {
      md = MessageDigest.getInstance("SHA-256");
    }

    void add(double v) {
      md.update(buf.clear().putLong(0, Double.doubleToRawLongBits(v)).array());
    }

    void add(float[] v) {
      for (float x : v) {
        md.update(buf.clear().putInt(0, Float.floatToRawIntBits(x)).array(), 0, 4);
      }
    }

    String hex() {
      return HexFormat.of().formatHex(md.digest());
    }
  }

  private static float[] values(eqaug.random.SplitMix64 rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return v;
  }

  public static void main(String[] args) throws Exception {
    try (VectorKernels k = new VectorKernels(2)) {
      System.out.println("kernels " + k.name());
      eqaug.random.SplitMix64 rng = new eqaug.random.SplitMix64(42);

      Hash gemm = new Hash();
      int[] sizes = {1, 3, 7, 17, 33, 61, 130};
      int[] depths = {1, 5, 31, 255, 257, 600};
      for (int m : sizes) {
        for (int n : sizes) {
          for (int d : depths) {
            for (int t = 0; t < 4; t++) {
              boolean ta = (t & 1) != 0;
              boolean tb = (t & 2) != 0;
              int lda = (ta ? m : d) + 3;
              int ldb = (tb ? d : n) + 2;
              int ldc = n + 1;
              float[] a = values(rng, (ta ? d : m) * lda + 1);
              float[] b = values(rng, (tb ? n : d) * ldb + 2);
              float[] c = values(rng, m * ldc + 1);
              float beta = (m + n + d) % 3 == 0 ? 0f : 0.5f;
              k.gemm(ta, tb, m, n, d, a, 1, lda, b, 2, ldb, beta, c, 1, ldc);
              gemm.add(c);
            }
          }
        }
      }
      // A product large enough to split between the two threads.
      float[] a = values(rng, 300 * 700);
      float[] b = values(rng, 700 * 290);
      float[] c = new float[300 * 290];
      k.gemm(false, true, 300, 290, 700, a, 0, 700, b, 0, 700, 0f, c, 0, 290);
      gemm.add(c);
      System.out.println("gemm " + gemm.hex());

      Hash red = new Hash();
      Hash elem = new Hash();
      for (int len = 0; len < 200; len++) {
        float[] x = values(rng, len + 3);
        float[] y = values(rng, len + 5);
        red.add(k.sumSquares(x, 3, len));
        red.add(k.dot(x, 1, y, 4, len));
        red.add(k.sumSquaredDifference(x, 2, y, 5, len));
        float[] out = new float[len + 1];
        k.leakyRelu(0.01f, x, 1, out, 1, len);
        k.leakyReluBackward(0.01f, y, 2, x, 3, out, 0, len);
        k.axpy(-0.3f, y, 5, out, 1, len);
        int[] map = new int[len];
        for (int i = 0; i < len; i++) {
          map[i] = rng.nextInt(len + 3);
        }
        float[] g = new float[len];
        k.gather(x, 0, map, g, 0);
        elem.add(out);
        elem.add(g);
      }
      float[] big = values(rng, 100_003);
      red.add(k.sumSquares(big, 0, big.length));
      System.out.println("reductions " + red.hex());
      System.out.println("elementwise " + elem.hex());
    }

    RandomStreams streams = new RandomStreams(7);
    train("perm", PaperNetworks.permutation(5), BlockErdosRenyi.generate(60, 5, 0.5, 0.05, streams.data()),
        new TrainConfig(3, 0.05, 25, 2), streams);
    train("rot", PaperNetworks.rotation(7), Shapes.generate(30, 7, streams.data()),
        new TrainConfig(2, 0.05, 10, 2), streams);
  }

  private static void train(String name, Architecture arch, Dataset data, TrainConfig cfg, RandomStreams streams)
      throws NoSuchAlgorithmException {
    Hash h = new Hash();
    try (VectorKernels k = new VectorKernels(2)) {
      Network net = new Network(arch, k, Trainer.rowsPerStep(cfg, data.size()));
      Trainer trainer = new Trainer(net, data, cfg);
      float[] a0 = Initializer.initialParameters(ParameterLayout.of(arch), streams.init(0));
      h.add(a0);
      for (Strategy s : Strategy.values()) {
        List<EpochRecord> records = new ArrayList<>();
        RunOutcome out = trainer.run(0, s, a0, streams.augment(0), records::add);
        h.add(out.finalParameters());
        for (EpochRecord r : records) {
          h.add(r.loss());
          h.add(r.accuracy());
          h.add(r.totalDistInit());
          h.add(r.totalDistE());
          for (int i = 0; i < r.distInit().length; i++) {
            h.add(r.distInit()[i]);
            h.add(r.distE()[i]);
          }
        }
      }
    }
    System.out.println("train-" + name + " " + h.hex());
  }
}
