package eqaug.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npz archives: one NAME.npy member per array, same bytes for the same arrays, damage refused. */
class NpzTest {
  @TempDir
  Path dir;

  private static Map<String, Npy.Array> arrays() {
    Map<String, Npy.Array> m = new LinkedHashMap<>();
    m.put("rho1", new Npy.Array(Npy.Dtype.F4, new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}));
    m.put("bn.weight", new Npy.Array(Npy.Dtype.F4, new int[] {2}, new double[] {0.5, -0.25}));
    return m;
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void roundTripsInOrderAndWritesTheSameBytesEveryTime() throws IOException {
    byte[] zip = Npz.write(arrays());
    assertArrayEquals(zip, Npz.write(arrays()), "fixed time stamps: the same arrays give the same file");
    Map<String, Npy.Array> back = Npz.read(file("a.npz", zip));
    assertEquals(List.of("rho1", "bn.weight"), List.copyOf(back.keySet()));
    assertArrayEquals(new int[] {2, 3}, back.get("rho1").shape());
    assertArrayEquals(new double[] {0.5, -0.25}, back.get("bn.weight").data(), 0);
  }

  @Test
  void viewsIntoOneFlatVectorStreamTheSameArchiveAsCopiedArrays() throws IOException {
    double[] flat = {9, 1, 2, 3, 4, 5, 6, 0.5, -0.25, 9};
    Map<String, Npy.View> views = new LinkedHashMap<>();
    views.put("rho1", new Npy.View(Npy.Dtype.F4, new int[] {2, 3}, flat, 1));
    views.put("bn.weight", new Npy.View(Npy.Dtype.F4, new int[] {2}, flat, 7));
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    Npz.write(views, streamed);
    assertArrayEquals(Npz.write(arrays()), streamed.toByteArray());
    assertThrows(IllegalArgumentException.class, () -> new Npy.View(Npy.Dtype.F4, new int[] {2, 3}, flat, 5));
  }

  @Test
  void readsDeflatedMembersAsNumpySavezCompressedWritesThem() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.putNextEntry(new ZipEntry("w.npy"));
      z.write(Npy.write(new Npy.Array(Npy.Dtype.F8, new int[] {3}, new double[] {1, 2, 3})));
      z.closeEntry();
    }
    assertArrayEquals(new double[] {1, 2, 3}, Npz.read(file("d.npz", b.toByteArray())).get("w").data(), 0);
  }

  private String refusal(String name, byte[] bytes) throws IOException {
    Path p = file(name, bytes);
    return assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
  }

  @Test
  void refusesDamagedArchivesAndMembers() throws IOException {
    byte[] zip = Npz.write(arrays());
    assertTrue(refusal("text.npz", "not a zip".getBytes(StandardCharsets.US_ASCII)).contains("not a readable .npz"));
    assertTrue(refusal("cut.npz", java.util.Arrays.copyOf(zip, zip.length - 30)).contains("not a readable .npz"));
    // One bit of rho1's data flipped: the member no longer matches its CRC-32.
    byte[] flipped = zip.clone();
    int at = indexOf(flipped, "rho1.npy".getBytes(StandardCharsets.US_ASCII)) + 8 + 64 + 5;
    flipped[at] ^= 1;
    assertTrue(refusal("flip.npz", flipped).contains("array 'rho1': damaged member"));
    // The second member renamed to the first's name, in its local and central headers.
    Map<String, Npy.Array> two = new LinkedHashMap<>();
    two.put("aaaa", arrays().get("rho1"));
    two.put("bbbb", arrays().get("rho1"));
    byte[] twice = replaceAll(Npz.write(two), "bbbb.npy", "aaaa.npy");
    assertTrue(refusal("twice.npz", twice).contains("array 'aaaa' appears twice"));
    byte[] other = replaceAll(Npz.write(two), "bbbb.npy", "bbbb.txt");
    assertTrue(refusal("other.npz", other).contains("member 'bbbb.txt' is not an .npy array"));
    Map<String, Npy.Array> one = new LinkedHashMap<>();
    one.put("w", arrays().get("rho1"));
    byte[] fortran = replaceAll(Npz.write(one), "'fortran_order': False", "'fortran_order': True ");
    // The patched header no longer matches the CRC; rewrite the archive around the patched member instead.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.putNextEntry(new ZipEntry("w.npy"));
      z.write(replaceAll(Npy.write(arrays().get("rho1")), "'fortran_order': False", "'fortran_order': True "));
      z.closeEntry();
    }
    assertTrue(refusal("fortran.npz", b.toByteArray()).contains("array 'w': Fortran order"));
    assertTrue(refusal("crc.npz", fortran).contains("array 'w': damaged member"));
  }

  private static int indexOf(byte[] b, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static byte[] replaceAll(byte[] b, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.ISO_8859_1);
    byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(f.length, t.length);
    byte[] out = b.clone();
    for (int i = 0; i + f.length <= out.length; i++) {
      boolean match = true;
      for (int j = 0; j < f.length && match; j++) {
        match = out[i + j] == f[j];
      }
      if (match) {
        System.arraycopy(t, 0, out, i, t.length);
      }
    }
    return out;
  }
}
