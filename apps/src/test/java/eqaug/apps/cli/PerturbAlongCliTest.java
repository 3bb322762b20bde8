package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.results.Json;
import eqaug.hessian.AugmentedRisk;
import eqaug.hessian.EquivariantProjection;
import eqaug.hessian.HessianOperators;
import eqaug.hessian.SymmetricOperator;
import eqaug.io.Npy;
import eqaug.io.Npz;
import eqaug.io.ParameterArrays;
import eqaug.nn.ParameterLayout;
import eqaug.study.Study;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attractor experiment of issue 12 item 6 end to end: {@code stability perm --nodes 4 --draws all
 * --save-vectors} writes the least stable directions, and {@code perm --naug all --precision fp64 --perturb ε
 * --perturb-along} starts along the E-perp one, where ||A_E-perp|| changes by 1 − τ(λ_min + γ) per step.
 */
class PerturbAlongCliTest {
  private static final double TAU = 1e-3;
  private static final int EPOCHS = 4;

  @TempDir
  static Path tmp;

  static Path stability;
  static double lambdaPerp;
  static double lambdaE;

  @BeforeAll
  static void analyse() throws IOException {
    stability = tmp.resolve("st");
    CliTest.Result r = CliTest.run("stability", "perm", "--nodes", "4", "--draws", "all", "--at", "0", "--epochs", "1",
        "--eigenvalues", "1", "--save-vectors", "-q", "--threads", "2", "--out", stability.toString());
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(stability.resolve("vectors.csv"));
    assertEquals("run,epoch,block,eigenvalue,residual,file,sha256", rows.get(0));
    assertEquals(3, rows.size(), rows.toString());
    String[] perp = rows.get(1).split(",");
    String[] e = rows.get(2).split(",");
    assertEquals(List.of("0", "0", "E_perp", "vectors/run-0/epoch-0-E-perp-min.npz"),
        List.of(perp[0], perp[1], perp[2], perp[5]));
    assertEquals(List.of("0", "0", "E", "vectors/run-0/epoch-0-E-min.npz"), List.of(e[0], e[1], e[2], e[5]));
    lambdaPerp = Double.parseDouble(perp[3]);
    lambdaE = Double.parseDouble(e[3]);
    assertEquals(sha256(stability.resolve(perp[5])), perp[6]);
    assertEquals(sha256(stability.resolve(e[5])), e[6]);
    // points.csv reports the same λ_min.
    String[] point = Files.readAllLines(stability.resolve("points.csv")).get(1).split(",");
    assertEquals(lambdaPerp, Double.parseDouble(point[11]), 0);
    assertEquals(lambdaE, Double.parseDouble(point[15]), 0);
    String config = Files.readString(stability.resolve("config.json"));
    assertTrue(config.contains(perp[6]) && config.contains(e[6]), config);
  }

  static String sha256(Path f) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    } catch (java.security.NoSuchAlgorithmException x) {
      throw new IllegalStateException(x);
    }
  }

  static Path perpFile() {
    return stability.resolve("vectors/run-0/epoch-0-E-perp-min.npz");
  }

  static Path eFile() {
    return stability.resolve("vectors/run-0/epoch-0-E-min.npz");
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * The written vectors are unit, float64, in their block, and their Rayleigh quotients with the exact H^aug at
   * the analysed point (A^0 of run 0, in E) are the reported eigenvalues (on E by Proposition 2, which the
   * analysis used to compute that block with the nominal Hessian).
   */
  @Test
  void theVectorsAreUnitInTheirBlockWithTheReportedRayleighQuotients() throws IOException {
    PermCommand perm = new PermCommand();
    perm.nodes = 4;
    TrainConfig train = new TrainConfig(1, 1e-5, 200, 1);
    Experiment exp = perm.create(new Protocol(1, 1000, train, 1));
    ParameterLayout layout = ParameterLayout.of(exp.architecture());
    EquivariantProjection pi = new EquivariantProjection(layout);
    float[] a0 = new Study(exp.architecture(), exp.data(), train, 1, 1, List.of(Strategy.EQUIVARIANT))
        .unperturbedParameters(0);
    double[] a = new double[a0.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = a0[i];
    }
    pi.ontoE(a);
    SymmetricOperator h = HessianOperators.hessian(AugmentedRisk.exact(exp.architecture(), exp.data(), 200, 24), a);
    for (Object[] c : new Object[][] {{perpFile(), lambdaPerp, true}, {eFile(), lambdaE, false}}) {
      Map<String, Npy.Array> arrays = Npz.read((Path) c[0]);
      for (Npy.Array arr : arrays.values()) {
        assertEquals(Npy.Dtype.F8, arr.dtype(), c[0] + " is float64");
      }
      double[] y = ParameterArrays.toDoubles(layout, arrays);
      assertEquals(1, Math.sqrt(dot(y, y)), 1e-12, c[0] + " is a unit vector");
      double[] other = y.clone();
      if ((Boolean) c[2]) {
        pi.ontoE(other);
      } else {
        pi.ontoComplement(other);
      }
      assertTrue(Math.sqrt(dot(other, other)) < 1e-12, c[0] + " lies in its block: " + Math.sqrt(dot(other, other)));
      double[] hy = new double[y.length];
      h.apply(y, hy);
      double lambda = (Double) c[1];
      assertEquals(lambda, dot(y, hy), 1e-8 * Math.abs(lambda), c[0] + ": Rayleigh quotient");
    }
    assertTrue(lambdaPerp < 0, "E is locally unstable at this A^0: λ_min = " + lambdaPerp);
  }

  /** ||A_E-perp|| of AUGMENTED ("total" rows) at epochs 0..EPOCHS. */
  static double[] offE(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("metrics.csv")).stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[1].equals("AUGMENTED") && f[3].equals("total")).mapToDouble(f -> Double.parseDouble(f[5]))
        .toArray();
  }

  static CliTest.Result perm(Path out, Path along, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("perm", "--nodes", "4", "--naug", "all", "--precision", "fp64",
        "--perturb", "1e-6", "--lr", String.valueOf(TAU), "--epochs", String.valueOf(EPOCHS), "--runs", "1", "-q",
        "--threads", "2", "--out", out.toString()));
    if (along != null) {
      args.add("--perturb-along");
      args.add(along.toString());
    }
    args.addAll(List.of(extra));
    return CliTest.run(args.toArray(String[]::new));
  }

  /**
   * Along the least stable direction (λ_min ≈ −107.4, τ = 1e-3): ||A_E-perp|| grows by 1 − τλ_min ≈ 1.1074 in the
   * first step (measured to 1e-5 of it: the fp64 start A^0 + ε u is not rounded to float) and by 1.091 per step
   * over four (the E part moves by 2e-3 a step, about 2000 ε, and the curvature along the path with it: measured
   * 1.5 % below). With γ = 3|λ_min| the same direction decays; the penalty shifts every step's rate by exactly −τγ
   * (the E part's path is the same), measured to 5e-5.
   * A file with an E part is projected (a warning line) onto the same u.
   */
  @Test
  void growsAtOneMinusTauLambdaMinAndDecaysWithAPenaltyAboveMinusLambdaMin() throws IOException {
    Path grow = tmp.resolve("grow");
    CliTest.Result r = perm(grow, perpFile());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(perpFile().toAbsolutePath().normalize().toString()) && r.out().contains(sha256(perpFile())),
        r.out());
    double[] g = offE(grow);
    assertEquals(EPOCHS + 1, g.length);
    assertEquals(1e-6, g[0], 1e-15, "the start's off-E part is ε (unrounded at fp64)");
    double rho = 1 - TAU * lambdaPerp;
    assertTrue(rho > 1.05 && rho < 1.3, "τ|λ_min| in the linear range: " + rho);
    assertEquals(rho, g[1] / g[0], 1e-4 * rho, "the first step's growth");
    double mean = Math.pow(g[EPOCHS] / g[0], 1.0 / EPOCHS);
    assertEquals(rho, mean, 0.03 * rho, "the growth per step over " + EPOCHS + " steps");
    assertTrue(mean > 1.05, "grows: " + mean);

    // A file whose E part is 0.6 of its norm: warned, projected away, the same u (a penalty γ = 3|λ_min|).
    Map<String, Npy.Array> perp = Npz.read(perpFile());
    Map<String, Npy.Array> onE = Npz.read(eFile());
    Map<String, Npy.Array> mixed = new java.util.LinkedHashMap<>();
    for (String name : perp.keySet()) {
      double[] p = perp.get(name).data();
      double[] q = onE.get(name).data();
      double[] m = new double[p.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = 0.8 * p[i] + 0.6 * q[i];
      }
      mixed.put(name, new Npy.Array(Npy.Dtype.F8, perp.get(name).shape(), m));
    }
    Path mixedFile = tmp.resolve("mixed.npz");
    Files.write(mixedFile, Npz.write(mixed));
    double gamma = -3 * lambdaPerp;
    Path decay = tmp.resolve("decay");
    CliTest.Result d = perm(decay, mixedFile, "--penalty", String.valueOf(gamma));
    assertEquals(0, d.code(), d.err());
    assertTrue(d.err().contains("projected away") && d.err().contains("0.6"), d.err());
    double[] k = offE(decay);
    double rhoGamma = 1 - TAU * (lambdaPerp + gamma);
    assertEquals(rhoGamma, k[1] / k[0], 1e-4 * rhoGamma, "the first step's decay");
    for (int t = 1; t <= EPOCHS; t++) {
      assertEquals(g[t] / g[t - 1] - TAU * gamma, k[t] / k[t - 1], 1e-3, "step " + t + ": the penalty's shift τγ");
    }
    assertEquals(rhoGamma, Math.pow(k[EPOCHS] / k[0], 1.0 / EPOCHS), 0.05 * rhoGamma, "decay per step");
    assertTrue(k[EPOCHS] < 0.5 * k[0], "decays");
    @SuppressWarnings("unchecked")
    Map<String, Object> cfg = (Map<String, Object>) Json.read(Files.readString(decay.resolve("config.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> params = (Map<String, Object>) cfg.get("parameters");
    assertEquals(sha256(mixedFile), params.get("perturb_along_sha256"));
    @SuppressWarnings("unchecked")
    Map<String, Object> along = (Map<String, Object>) cfg.get("perturb_along");
    assertEquals(mixedFile.toAbsolutePath().normalize().toString(), along.get("path"));
    assertEquals(0.6, ((Number) along.get("removed_E_share")).doubleValue(), 1e-9);

    // --resume with another direction file is refused; with the same one the complete folder is left as it is.
    CliTest.Result other = perm(grow, mixedFile, "--resume");
    assertEquals(2, other.code(), other.out() + other.err());
    assertTrue(other.err().contains("perturb_along"), other.err());
    CliTest.Result same = perm(grow, perpFile(), "--resume");
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().contains("is complete"), same.out());
  }

  /**
   * A {@code <f4} copy of the vector gives the same u up to float rounding, without a warning: its E part
   * (rounding, about 1e-8 of its norm) is below the warning's 1e-6.
   */
  @Test
  void aFloat32FileGivesTheSameDirectionWithoutAWarning() throws IOException {
    Map<String, Npy.Array> arrays = Npz.read(perpFile());
    Map<String, Npy.Array> f4 = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
      double[] d = e.getValue().data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) d[i];
      }
      f4.put(e.getKey(), new Npy.Array(Npy.Dtype.F4, e.getValue().shape(), d));
    }
    Path file = tmp.resolve("f4.npz");
    Files.write(file, Npz.write(f4));
    PermCommand perm = new PermCommand();
    perm.nodes = 4;
    Experiment exp = perm.create(new Protocol(1, 20, new TrainConfig(1, 1e-5, 20, 1), 1));
    eqaug.apps.results.DirectionFile a = eqaug.apps.results.DirectionFile.load(perpFile(), exp);
    eqaug.apps.results.DirectionFile b = eqaug.apps.results.DirectionFile.load(file, exp);
    assertTrue(a.removedShare() < 1e-12, "the saved E-perp vector lies in E-perp: " + a.removedShare());
    assertTrue(b.removedShare() > 0 && b.removedShare() < 1e-6, "float rounding only: " + b.removedShare());
    assertEquals(null, a.warning());
    assertEquals(null, b.warning());
    assertEquals(sha256(file), b.sha256());
    double[] diff = a.direction().clone();
    for (int i = 0; i < diff.length; i++) {
      diff[i] -= b.direction()[i];
    }
    assertTrue(Math.sqrt(dot(diff, diff)) < 1e-6, "the same u to float rounding: " + Math.sqrt(dot(diff, diff)));
    assertEquals(1, Math.sqrt(dot(b.direction(), b.direction())), 1e-14);
  }

  /** Files that cannot give a direction are refused in one line, exit 2, before any folder is made. */
  @Test
  void badDirectionFilesAreRefusedInOneLineAndLeaveNothing() throws IOException {
    Path nan = tmp.resolve("nan.npz");
    Map<String, Npy.Array> arrays = Npz.read(perpFile());
    double[] first = arrays.values().iterator().next().data();
    first[3] = Double.NaN;
    Files.write(nan, Npz.write(arrays));
    Path wrongShape = tmp.resolve("shape.npz");
    Map<String, Npy.Array> shapes = Npz.read(perpFile());
    String name = shapes.keySet().iterator().next();
    Npy.Array a = shapes.get(name);
    shapes.put(name, new Npy.Array(Npy.Dtype.F8, new int[] {a.shape()[0] + 1, a.shape()[1]},
        new double[(a.shape()[0] + 1) * a.shape()[1]]));
    Files.write(wrongShape, Npz.write(shapes));
    Path extra = tmp.resolve("extra.npz");
    Map<String, Npy.Array> more = Npz.read(perpFile());
    more.put("bogus", new Npy.Array(Npy.Dtype.F8, new int[] {2}, new double[2]));
    Files.write(extra, Npz.write(more));
    Path text = tmp.resolve("text.npz");
    Files.writeString(text, "not a zip");
    Object[][] cases = {{eFile(), "lies in E"}, {nan, "non-finite"}, {wrongShape, "shape"}, {extra, "bogus"},
        {text, "--perturb-along"}, {tmp.resolve("missing.npz"), "cannot read"}};
    for (Object[] c : cases) {
      Path out = tmp.resolve("bad-" + ((Path) c[0]).getFileName());
      CliTest.Result r = perm(out, (Path) c[0]);
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      List<String> lines = r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
      assertEquals(1, lines.size(), r.err());
      assertTrue(lines.get(0).contains((String) c[1]) && lines.get(0).contains("--perturb-along"), lines.get(0));
      assertFalse(Files.exists(out), c[0] + " left " + out);
    }
    // Without --perturb, and on stability.
    Path out = tmp.resolve("no-eps");
    CliTest.Result r = CliTest.run("perm", "--nodes", "4", "--perturb-along", perpFile().toString(), "-q", "--out",
        out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--perturb-along needs --perturb"), r.err());
    assertFalse(Files.exists(out));
    CliTest.Result s = CliTest.run("stability", "perm", "--nodes", "4", "--perturb", "1e-3", "--perturb-along",
        perpFile().toString(), "-q", "--out", out.toString());
    assertEquals(2, s.code(), s.err());
    assertFalse(Files.exists(out));
  }
}
