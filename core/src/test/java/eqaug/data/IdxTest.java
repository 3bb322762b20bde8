package eqaug.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IDX reader and writer: the real Fashion-MNIST test split (Debian's dataset-fashion-mnist, installed
 * here and in CI) reads as what it is, written files read back bit for bit, and every kind of damage to a
 * real file is refused with a {@link DataFileException} that names the file.
 */
class IdxTest {
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
  static final Path IMAGES_GZ = FASHION.resolve("t10k-images-idx3-ubyte.gz");
  static final Path LABELS_GZ = FASHION.resolve("t10k-labels-idx1-ubyte.gz");

  /** The decompressed bytes of the real image file, by the JDK's own gzip reader (not Idx). */
  static byte[] realImagesRaw;
  /** The real image file exactly as installed (gzip-compressed). */
  static byte[] realImagesGz;

  @TempDir
  Path tmp;

  @BeforeAll
  static void loadRealFile() throws IOException {
    realImagesGz = Files.readAllBytes(IMAGES_GZ);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(IMAGES_GZ))) {
      realImagesRaw = in.readAllBytes();
    }
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(buf)) {
      out.write(raw);
    }
    return buf.toByteArray();
  }

  /** Reading the file must fail with a DataFileException naming it (and, when given, saying what is wrong). */
  static DataFileException assertRefused(Path file, String what) {
    DataFileException e = assertThrows(DataFileException.class, () -> Idx.read(file), () -> "accepted " + file);
    assertTrue(e.getMessage().contains(file.toString()), () -> "message does not name the file: " + e.getMessage());
    if (what != null) {
      assertTrue(e.getMessage().toLowerCase().contains(what), () -> "message lacks '" + what + "': " + e.getMessage());
    }
    return e;
  }

  // ------------------------------------------------------------------ the real data

  @Test
  void realFashionTestImagesAre10000GreyscaleImagesOf28x28() {
    Idx.Tensor t = Idx.read(IMAGES_GZ);
    assertArrayEquals(new int[] {10_000, 28, 28}, t.dims());
    assertEquals(10_000, t.count());
    assertEquals(784, t.entrySize());
    assertEquals(10_000 * 784, t.data().length);
    // The payload is exactly the bytes after the 16-byte header of the decompressed file.
    assertArrayEquals(Arrays.copyOfRange(realImagesRaw, 16, realImagesRaw.length), t.data());
    // Unsigned access: real images use the full 0..255 range, and 255 must not come back as -1.
    int min = 255;
    int max = 0;
    for (int i = 0; i < t.data().length; i++) {
      min = Math.min(min, t.unsigned(i));
      max = Math.max(max, t.unsigned(i));
    }
    assertEquals(0, min);
    assertEquals(255, max);
  }

  @Test
  void realFashionTestLabelsAreTenBalancedClasses() {
    Idx.Tensor t = Idx.read(LABELS_GZ);
    assertArrayEquals(new int[] {10_000}, t.dims());
    assertEquals(1, t.entrySize());
    int[] perClass = new int[10];
    for (int i = 0; i < t.count(); i++) {
      int label = t.unsigned(i);
      assertTrue(label >= 0 && label <= 9, "label " + label + " at " + i);
      perClass[label]++;
    }
    // Fashion-MNIST's test split holds exactly 1000 images of each of its 10 classes.
    int[] expected = new int[10];
    Arrays.fill(expected, 1000);
    assertArrayEquals(expected, perClass);
  }

  // ------------------------------------------------------------------ write / read

  @ParameterizedTest
  @ValueSource(strings = {"cube.idx", "cube.idx.gz"})
  void writtenFilesReadBackExactly(String name) throws IOException {
    SplittableRandom rng = new SplittableRandom(11);
    int[] dims = {5, 3, 4};
    byte[] data = new byte[60];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) rng.nextInt(256);
    }
    data[0] = (byte) 0xff; // the largest unsigned byte survives
    Path f = tmp.resolve(name);
    Idx.write(f, dims, data);

    byte[] onDisk = Files.readAllBytes(f);
    boolean gz = name.endsWith(".gz");
    assertEquals(gz, onDisk.length >= 2 && (onDisk[0] & 0xff) == 0x1f && (onDisk[1] & 0xff) == 0x8b,
        "gzip exactly when the name ends in .gz");
    byte[] raw = gz ? new GZIPInputStream(new java.io.ByteArrayInputStream(onDisk)).readAllBytes() : onDisk;
    // Header by hand: 0x00 0x00 0x08 <3>, then three big-endian 32-bit dimensions, then the data.
    assertEquals(4 + 3 * 4 + 60, raw.length);
    assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 4}, Arrays.copyOf(raw, 16));

    Idx.Tensor t = Idx.read(f);
    assertArrayEquals(dims, t.dims());
    assertArrayEquals(data, t.data());
    assertEquals(255, t.unsigned(0));
    assertEquals(12, t.entrySize());
  }

  @Test
  void largeDimensionsRoundTripThroughGzip() throws IOException {
    // A dimension above 255 needs more than the low byte of its 32-bit field.
    int[] dims = {300};
    byte[] data = new byte[300];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    Path f = tmp.resolve("labels.gz");
    Idx.write(f, dims, data);
    Idx.Tensor t = Idx.read(f);
    assertArrayEquals(dims, t.dims());
    assertArrayEquals(data, t.data());
  }

  // ------------------------------------------------------------------ refusals

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void realFileCutInsideItsHeaderIsRefused(boolean compress) throws IOException {
    byte[] cut = Arrays.copyOf(realImagesRaw, 10); // 3-dimension header is 16 bytes
    Path f = tmp.resolve(compress ? "header-cut.gz" : "header-cut");
    Files.write(f, compress ? gzip(cut) : cut);
    assertRefused(f, "truncated");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void realFileCutInsideItsDataIsRefused(boolean compress) throws IOException {
    byte[] cut = Arrays.copyOf(realImagesRaw, realImagesRaw.length - 784 * 3 - 5);
    Path f = tmp.resolve(compress ? "data-cut.gz" : "data-cut");
    Files.write(f, compress ? gzip(cut) : cut);
    assertRefused(f, "truncated");
  }

  @Test
  void realGzipStreamCutInHalfIsRefused() throws IOException {
    Path f = tmp.resolve("half.gz");
    Files.write(f, Arrays.copyOf(realImagesGz, realImagesGz.length / 2));
    assertRefused(f, "gzip");
  }

  @Test
  void realGzipStreamMissingOnlyItsTrailerIsRefused() throws IOException {
    // All compressed data present but the 8-byte CRC/size trailer cut off.
    Path f = tmp.resolve("no-trailer.gz");
    Files.write(f, Arrays.copyOf(realImagesGz, realImagesGz.length - 8));
    assertRefused(f, "gzip");
  }

  @Test
  void corruptedMagicNumberIsRefused() throws IOException {
    byte[] bad = realImagesRaw.clone();
    bad[2] = 0x0d; // element type "float" instead of unsigned byte
    Path f = tmp.resolve("magic");
    Files.write(f, bad);
    assertRefused(f, "magic");

    byte[] bad2 = realImagesRaw.clone();
    bad2[0] = 1; // the two leading bytes must be zero
    Path f2 = tmp.resolve("magic2.gz");
    Files.write(f2, gzip(bad2));
    assertRefused(f2, "magic");
  }

  @Test
  void wrongDimensionCountIsRefused() throws IOException {
    // Declaring 2 dimensions: header and payload no longer add up.
    byte[] two = realImagesRaw.clone();
    two[3] = 2;
    Path f = tmp.resolve("two-dims");
    Files.write(f, two);
    assertRefused(f, null);

    // Declaring 4 dimensions: the fourth "dimension" is the first four pixels of the first image.
    byte[] four = realImagesRaw.clone();
    four[3] = 4;
    Path f4 = tmp.resolve("four-dims");
    Files.write(f4, four);
    assertRefused(f4, null);

    // Declaring 0 dimensions.
    byte[] zero = realImagesRaw.clone();
    zero[3] = 0;
    Path f0 = tmp.resolve("zero-dims");
    Files.write(f0, zero);
    assertRefused(f0, "dimensions");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void extraTrailingBytesAreRefused(boolean compress) throws IOException {
    byte[] longer = Arrays.copyOf(realImagesRaw, realImagesRaw.length + 1);
    Path f = tmp.resolve(compress ? "longer.gz" : "longer");
    Files.write(f, compress ? gzip(longer) : longer);
    assertRefused(f, "beyond");
  }

  @Test
  void garbageBehindAGzipMagicIsRefused() throws IOException {
    byte[] junk = "\u001f\u008bthis is not a gzip stream at all".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(0x1f, junk[0] & 0xff);
    assertEquals(0x8b, junk[1] & 0xff);
    Path f = tmp.resolve("junk.gz");
    Files.write(f, junk);
    assertRefused(f, "gzip");

    // A real gzip header with its deflate data overwritten by noise.
    byte[] noisy = realImagesGz.clone();
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 20; i < 4000; i++) {
      noisy[i] = (byte) rng.nextInt(256);
    }
    Path f2 = tmp.resolve("noisy.gz");
    Files.write(f2, noisy);
    assertRefused(f2, null);
  }

  @Test
  void emptyFileIsRefused() throws IOException {
    Path f = Files.createFile(tmp.resolve("empty"));
    assertRefused(f, null);
  }

  @Test
  void missingFileIsRefused() {
    Path f = tmp.resolve("does-not-exist.gz");
    assertFalse(Files.exists(f));
    assertRefused(f, "no such file");
  }

  @Test
  void aFolderIsRefused() {
    assertRefused(tmp, null);
  }
}
