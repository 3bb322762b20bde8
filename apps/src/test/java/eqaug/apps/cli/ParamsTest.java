package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.Json;
import eqaug.io.Npy;
import eqaug.io.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --save-params} and {@code --init} (docs/params.md): the files are NPY 1.0 in a zip as NumPy reads them,
 * recorded with their SHA-256; a run started from a saved epoch retraces the original from there; bad files are
 * refused in one line before anything is written; --resume keeps the files of the parts it keeps.
 */
class ParamsTest {
  private static final String[] PERM = {"perm", "--runs", "1", "--epochs", "4", "--samples", "60", "--naug", "2", "-q"};
  private static final String[] PERM2 = {"perm", "--runs", "2", "--epochs", "4", "--samples", "60", "--naug", "2", "-q"};
  private static final List<String> STRATEGIES = List.of("NOMINAL", "AUGMENTED", "EQUIVARIANT");

  @TempDir
  Path tmp;

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> config(Path dir) throws IOException {
    return (Map<String, Object>) Json.read(Files.readString(dir.resolve("config.json")));
  }

  private static Path file(Path dir, int run, String strategy, int epoch) {
    return dir.resolve("params/run-" + run + "/" + strategy + "/epoch-" + epoch + ".npz");
  }

  /** The metrics rows of one strategy, by "epoch,layer", with the remaining fields. */
  private static Map<String, String[]> rows(Path dir, String strategy) throws IOException {
    Map<String, String[]> m = new LinkedHashMap<>();
    for (String l : Files.readAllLines(dir.resolve("metrics.csv"))) {
      String[] f = l.split(",");
      if (f[1].equals(strategy)) {
        m.put(f[2] + "," + f[3], f);
      }
    }
    return m;
  }

  @Test
  @SuppressWarnings("unchecked")
  void savedFilesAreRecordedNpyArchivesOfTheNetworksLayout() throws IOException {
    Path a = tmp.resolve("a");
    CliTest.Result r = CliTest.run(with(PERM, "--save-params", "last,0,2", "--out", a.toString()));
    assertEquals(0, r.code(), r.err());
    Map<String, Object> cfg = config(a);
    assertEquals(List.of(0L, 2L, 4L), ((Map<String, Object>) cfg.get("parameters")).get("save_params"));
    List<Object> saved = (List<Object>) cfg.get("saved_params");
    assertEquals(9, saved.size());
    for (Object o : saved) {
      Map<String, Object> e = (Map<String, Object>) o;
      Path p = a.resolve((String) e.get("file"));
      assertEquals(file(a, 0, (String) e.get("strategy"), ((Number) e.get("epoch")).intValue()), p);
      assertEquals(sha256(p), e.get("sha256"));
      assertEquals("<f4", e.get("dtype"));
    }
    // Shapes from config.json's own account of the network: (out, in) per layer, dim_L = out * in.
    Map<String, Object> net = (Map<String, Object>) cfg.get("network");
    List<String> names = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (Object o : (List<Object>) net.get("layers")) {
      names.add((String) ((Map<String, Object>) o).get("name"));
      sizes.add(((Number) ((Map<String, Object>) o).get("dim_L")).longValue());
    }
    names.addAll(List.of("bn.weight", "bn.bias"));
    try (ZipFile zip = new ZipFile(file(a, 0, "AUGMENTED", 2).toFile())) {
      List<String> members = zip.stream().map(ZipEntry::getName).toList();
      assertEquals(names.stream().map(n -> n + ".npy").toList(), members);
      long bn = ((Number) net.get("batch_norm_parameters")).longValue();
      for (int i = 0; i < names.size(); i++) {
        byte[] b;
        try (InputStream in = zip.getInputStream(zip.getEntry(members.get(i)))) {
          b = in.readAllBytes();
        }
        // NPY 1.0 by the spec: magic, version, little-endian header length, dict, data on a 64-byte boundary.
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int hlen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
        assertEquals(0, (10 + hlen) % 64);
        String dict = new String(b, 10, hlen, StandardCharsets.US_ASCII);
        assertTrue(dict.endsWith("\n"));
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("\\{'descr': '<f4', 'fortran_order': False, 'shape': \\((\\d+), ?(\\d*)\\), \\} *\n").matcher(dict);
        assertTrue(m.matches(), dict);
        long count = Long.parseLong(m.group(1)) * (m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2)));
        assertEquals(i < sizes.size() ? sizes.get(i) : bn / 2, count, names.get(i));
        assertEquals(i < sizes.size(), !m.group(2).isEmpty(), "layers are matrices, batch-norm vectors");
        assertEquals(10 + hlen + 4 * count, b.length);
      }
    }
    // Epoch 0 is the run's A^0, the same for every strategy.
    assertEquals(sha256(file(a, 0, "NOMINAL", 0)), sha256(file(a, 0, "EQUIVARIANT", 0)));
    assertNotEquals(sha256(file(a, 0, "NOMINAL", 2)), sha256(file(a, 0, "EQUIVARIANT", 2)));
  }

  /**
   * NOMINAL and EQUIVARIANT steps are functions of A alone (full data set, batch statistics, no draws): from a
   * saved A^2 the run retraces A^3, A^4 byte for byte (the files) with the same dist_E, loss and accuracy, while
   * ||A - A^0|| is now measured from A^2. AUGMENTED draws its group elements from the run's stream from epoch 1
   * on, so it does not retrace, and is not asserted to.
   */
  @Test
  void aRunFromASavedEpochRetracesTheOriginalFromThere() throws IOException {
    Path a = tmp.resolve("a");
    assertEquals(0, CliTest.run(with(PERM, "--save-params", "0,2,3,4", "--out", a.toString())).code());
    // From the run's own A^0, every strategy (AUGMENTED too: run 0's draws are the same) gives the same table.
    Path same = tmp.resolve("same");
    CliTest.Result r0 = CliTest.run(with(PERM, "--init", file(a, 0, "AUGMENTED", 0).toString(), "--out", same.toString()));
    assertEquals(0, r0.code(), r0.err());
    assertFalse(r0.err().contains("is not in E"), r0.err());
    assertEquals(Files.readString(a.resolve("metrics.csv")), Files.readString(same.resolve("metrics.csv")));
    for (String st : List.of("NOMINAL", "EQUIVARIANT")) {
      Path init = file(a, 0, st, 2);
      Path b = tmp.resolve("from-" + st);
      CliTest.Result r = CliTest.run("perm", "--runs", "1", "--epochs", "2", "--samples", "60", "--naug", "2", "-q",
          "--init", init.toString(), "--save-params", "0,1,2", "--out", b.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(st.equals("NOMINAL"), r.err().contains("is not in E"), r.err()); // NOMINAL has left E
      for (int k = 0; k <= 2; k++) {
        assertArrayEquals(Files.readAllBytes(file(a, 0, st, 2 + k)), Files.readAllBytes(file(b, 0, st, k)), st + " " + k);
      }
      Map<String, String[]> orig = rows(a, st);
      Map<String, String[]> redo = rows(b, st);
      Map<String, Npy.Array> a2 = Npz.read(init);
      for (int k = 0; k <= 2; k++) {
        Map<String, Npy.Array> ak = Npz.read(file(a, 0, st, 2 + k));
        double total = 0;
        for (String layer : List.of("rho1", "pool", "dense1", "dense2")) {
          String[] o = orig.get((2 + k) + "," + layer);
          String[] n = redo.get(k + "," + layer);
          assertEquals(List.of(o[5], o[6], o[7]), List.of(n[5], n[6], n[7]), st + " epoch " + k + " " + layer);
          double sq = 0;
          for (int i = 0; i < ak.get(layer).data().length; i++) {
            double d = ak.get(layer).data()[i] - a2.get(layer).data()[i];
            sq += d * d;
          }
          total += sq;
          assertEquals(Math.sqrt(sq), Double.parseDouble(n[4]), 1e-9 * Math.sqrt(sq) + 1e-300, st + " dist_init " + layer);
        }
        assertEquals(Math.sqrt(total), Double.parseDouble(redo.get(k + ",total")[4]), 1e-9 * Math.sqrt(total) + 1e-300);
      }
      Map<?, ?> recorded = (Map<?, ?>) config(b).get("init");
      assertEquals(init.toAbsolutePath().normalize().toString(), recorded.get("path"));
      assertEquals(sha256(init), recorded.get("sha256"));
      assertEquals(!st.equals("NOMINAL"), recorded.get("in_E"));
      double distE = ((Number) recorded.get("dist_E")).doubleValue();
      assertEquals(Double.parseDouble(orig.get("2,total")[5]), distE, 1e-6 * distE + 1e-12);
    }
  }

  @Test
  void numpyLoadsTheSavedFilesWithTheirShapesAndValues() throws IOException, InterruptedException {
    boolean numpy;
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      numpy = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      numpy = false;
    }
    Assumptions.assumeTrue(numpy, "SKIPPED, not passed: python3 with numpy is not available on this machine");
    Path a = tmp.resolve("a");
    assertEquals(0, CliTest.run(with(PERM, "--save-params", "4", "--out", a.toString())).code());
    Path f = file(a, 0, "AUGMENTED", 4);
    // numpy prints name, dtype, shape, C order and the sum of each array in double; we compare with our reader.
    String script = "import numpy as np, sys\n"
        + "z = np.load(sys.argv[1])\n"
        + "for k in z.files:\n"
        + "    v = z[k]\n"
        + "    print(k, v.dtype.str, 'x'.join(map(str, v.shape)), v.flags['C_CONTIGUOUS'], repr(float(v.astype(np.float64).sum())))\n";
    Process p = new ProcessBuilder("python3", "-c", script, f.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().toList();
    Map<String, Npy.Array> ours = Npz.read(f);
    assertEquals(ours.size(), lines.size(), out);
    int i = 0;
    for (Map.Entry<String, Npy.Array> e : ours.entrySet()) {
      String[] w = lines.get(i++).split(" ");
      assertEquals(e.getKey(), w[0]);
      assertEquals("<f4", w[1]);
      assertEquals(String.join("x", java.util.Arrays.stream(e.getValue().shape()).mapToObj(String::valueOf).toList()), w[2]);
      assertEquals("True", w[3]);
      double sum = 0;
      for (double v : e.getValue().data()) {
        sum += v;
      }
      // numpy sums pairwise, we sum in order: equal to double rounding over the array.
      assertEquals(sum, Double.parseDouble(w[4]), 1e-9 * (1 + Math.abs(sum)), e.getKey());
    }
    // The other way: numpy's savez_compressed (deflated members) of the same arrays as float64 is taken by --init,
    // and since float32 -> float64 -> float32 is exact, it trains exactly as the file eqaug wrote.
    Path f8 = tmp.resolve("f8.npz");
    String resave = "import numpy as np, sys\n"
        + "z = np.load(sys.argv[1])\n"
        + "np.savez_compressed(sys.argv[2], **{k: z[k].astype(np.float64) for k in z.files})\n";
    p = new ProcessBuilder("python3", "-c", resave, f.toString(), f8.toString()).redirectErrorStream(true).start();
    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(Npz.read(f8).values().stream().allMatch(x -> x.dtype() == Npy.Dtype.F8));
    Path fromOurs = tmp.resolve("from-ours");
    Path fromNumpy = tmp.resolve("from-numpy");
    assertEquals(0, CliTest.run(with(PERM, "--init", f.toString(), "--out", fromOurs.toString())).code());
    assertEquals(0, CliTest.run(with(PERM, "--init", f8.toString(), "--out", fromNumpy.toString())).code());
    assertEquals(Files.readString(fromOurs.resolve("metrics.csv")), Files.readString(fromNumpy.resolve("metrics.csv")));
  }

  /** An .npz with these members (name -> .npy bytes). */
  private Path npz(String name, Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      for (Map.Entry<String, byte[]> e : members.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    Path p = tmp.resolve(name);
    Files.write(p, b.toByteArray());
    return p;
  }

  private static Map<String, byte[]> members(Path npz) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(npz.toFile())) {
      for (ZipEntry e : zip.stream().toList()) {
        try (InputStream in = zip.getInputStream(e)) {
          m.put(e.getName().replace(".npy", ""), in.readAllBytes());
        }
      }
    }
    return m;
  }

  private static byte[] patched(byte[] npy, String from, String to) {
    String s = new String(npy, StandardCharsets.ISO_8859_1);
    assertTrue(s.contains(from));
    return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }

  private void assertRefused(Path init, String message) {
    Path out = tmp.resolve("refused");
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--init", init.toString(), "--out", out.toString())),
        message);
    EndToEndTest.assertNothingLeft(out);
  }

  @Test
  void badInitFilesAreRefusedInOneLineNamingTheProblemAndNothingIsWritten() throws IOException {
    Path a = tmp.resolve("a");
    assertEquals(0, CliTest.run(with(PERM, "--save-params", "0", "--out", a.toString())).code());
    Map<String, byte[]> good = members(file(a, 0, "NOMINAL", 0));
    assertRefused(tmp.resolve("absent.npz"), "cannot read the file (NoSuchFileException");
    Files.writeString(tmp.resolve("text.npz"), "not an archive");
    assertRefused(tmp.resolve("text.npz"), "not a readable .npz (zip) archive");
    byte[] whole = Files.readAllBytes(file(a, 0, "NOMINAL", 0));
    Files.write(tmp.resolve("cut.npz"), java.util.Arrays.copyOf(whole, whole.length / 2));
    assertRefused(tmp.resolve("cut.npz"), "not a readable .npz (zip) archive");
    Map<String, byte[]> m = new LinkedHashMap<>(good);
    m.put("pool", patched(good.get("pool"), "'fortran_order': False", "'fortran_order': True "));
    assertRefused(npz("fortran.npz", m), "array 'pool': Fortran order (fortran_order: True) is not supported");
    m = new LinkedHashMap<>(good);
    m.put("dense1", patched(good.get("dense1"), "'<f4'", "'<i4'"));
    assertRefused(npz("int.npz", m), "array 'dense1': element type '<i4' is not supported (only '<f4' and '<f8')");
    m = new LinkedHashMap<>(good);
    m.put("dense1", patched(good.get("dense1"), "'<f4'", "'>f4'"));
    assertRefused(npz("big.npz", m), "array 'dense1': element type '>f4' is not supported");
    m = new LinkedHashMap<>(good);
    m.remove("pool");
    assertRefused(npz("missing.npz", m), "array 'pool' is missing (shape (64, 3200) expected)");
    m = new LinkedHashMap<>(good);
    m.put("bn.running_mean", good.get("bn.bias"));
    assertRefused(npz("extra.npz", m), "array 'bn.running_mean' is not a parameter of this network");
    m = new LinkedHashMap<>(good);
    m.put("dense1", patched(good.get("dense1"), "(32, 64)", "(64, 32)"));
    assertRefused(npz("shape.npz", m), "array 'dense1' has shape (64, 32), expected (32, 64)");
    m = new LinkedHashMap<>(good);
    byte[] nan = good.get("dense2").clone();
    ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(nan.length - 4, Float.NaN);
    m.put("dense2", nan);
    assertRefused(npz("nan.npz", m), "array 'dense2' holds a non-finite value at flat index 31 (NaN)");
    m = new LinkedHashMap<>(good);
    byte[] truncated = java.util.Arrays.copyOf(good.get("dense2"), good.get("dense2").length - 4);
    m.put("dense2", truncated);
    assertRefused(npz("short.npz", m), "array 'dense2': data of shape (1, 32) <f4 needs 128 bytes, the file holds 124");
  }

  @Test
  void theOptionsThemselvesAreCheckedInOneLine() {
    Path out = tmp.resolve("o");
    for (String[] bad : new String[][] {{"--save-params", "x"}, {"--save-params", "5"}, {"--save-params", "-1"},
        {"--save-params", ""}, {"--save-params", "1", "--shard", "1/2"}}) {
      CliTest.Result r = CliTest.run(with(PERM, with(bad, "--out", out.toString())));
      EndToEndTest.assertOneLineError(r, bad[0]);
      EndToEndTest.assertNothingLeft(out);
    }
    EndToEndTest.assertOneLineError(CliTest.run("reproduce", "--init", "x.npz", "--out", out.toString()),
        "--init does not apply to reproduce");
    EndToEndTest.assertNothingLeft(out);
  }

  @Test
  @SuppressWarnings("unchecked")
  void resumeKeepsTheFilesOfKeptPartsAndWritesThoseOfTheRest() throws IOException {
    Path whole = tmp.resolve("whole");
    String[] cmd = with(PERM2, "--save-params", "1,last");
    assertEquals(0, CliTest.run(with(cmd, "--out", whole.toString())).code());
    Path dir = tmp.resolve("cut");
    copyTree(whole, dir);
    ResumeTest.cutAfter(dir, 2);
    // Kept parts' files are not written again (their time stamps stay); a later part's missing file comes back.
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file(dir, 0, "NOMINAL", 1), old);
    Files.delete(file(dir, 1, "AUGMENTED", 4));
    CliTest.Result r = CliTest.run(with(cmd, "--out", dir.toString(), "--resume"));
    assertEquals(0, r.code(), r.err());
    assertEquals(old, Files.getLastModifiedTime(file(dir, 0, "NOMINAL", 1)));
    assertEquals(config(whole).get("saved_params"), config(dir).get("saved_params"));
    for (Object o : (List<Object>) config(whole).get("saved_params")) {
      String f = (String) ((Map<String, Object>) o).get("file");
      assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
    }
    // A kept part's file that changed is refused: that part would not be what was recorded.
    Path again = tmp.resolve("again");
    copyTree(whole, again);
    ResumeTest.cutAfter(again, 2);
    Files.copy(file(again, 0, "NOMINAL", 4), file(again, 0, "AUGMENTED", 1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    EndToEndTest.assertOneLineError(CliTest.run(with(cmd, "--out", again.toString(), "--resume")),
        "differs from what run 0 AUGMENTED saved");
    // Another --save-params is another protocol.
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM2, "--save-params", "1", "--out", again.toString(),
        "--resume")), "parameters.save_params");
  }

  @Test
  void resumeRefusesAnInitFileThatChanged() throws IOException {
    Path a = tmp.resolve("a");
    assertEquals(0, CliTest.run(with(PERM, "--save-params", "1,2", "--out", a.toString())).code());
    Path init = tmp.resolve("init.npz");
    Files.copy(file(a, 0, "EQUIVARIANT", 1), init);
    String[] cmd = with(PERM2, "--init", init.toString());
    Path dir = tmp.resolve("b");
    assertEquals(0, CliTest.run(with(cmd, "--out", dir.toString())).code());
    ResumeTest.cutAfter(dir, 1);
    Files.copy(file(a, 0, "EQUIVARIANT", 2), init, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    EndToEndTest.assertOneLineError(CliTest.run(with(cmd, "--out", dir.toString(), "--resume")),
        "parameters.init_sha256 is " + sha256(file(a, 0, "EQUIVARIANT", 1)) + " there, "
            + sha256(file(a, 0, "EQUIVARIANT", 2)) + " here");
    // The original file again: the folder is continued to what an uninterrupted run gives.
    Files.copy(file(a, 0, "EQUIVARIANT", 1), init, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path whole = tmp.resolve("whole");
    assertEquals(0, CliTest.run(with(cmd, "--out", whole.toString())).code());
    assertEquals(0, CliTest.run(with(cmd, "--out", dir.toString(), "--resume")).code());
    assertEquals(Files.readString(whole.resolve("metrics.csv")), Files.readString(dir.resolve("metrics.csv")));
    assertFalse(Files.readString(dir.resolve("metrics.csv")).isEmpty());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }
}
