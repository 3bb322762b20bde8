package eqaug.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing the IDX reader (issue 10): seeded random truncations, byte flips, insertions, deletions and header
 * edits of valid files, plain and gzip-compressed. Every case must either be refused with a one-line
 * {@link DataFileException} naming the file (what the CLI turns into exit 2) or read exactly as an
 * independent decoder of the same bytes says; no other exception may escape, and a header declaring far
 * more values than the file holds must not make the reader allocate them.
 */
class IdxFuzzTest {
  @TempDir
  Path tmp;

  private int fileNo;

  /** The reference: what a valid unsigned-byte IDX byte string holds, or null if it is not one. */
  record Decoded(int[] dims, byte[] data) {}

  static Decoded reference(byte[] b) {
    if (b.length < 4 || b[0] != 0 || b[1] != 0 || b[2] != 8) {
      return null;
    }
    int nd = b[3] & 0xff;
    if (nd < 1 || nd > 4 || b.length < 4 + 4 * nd) {
      return null;
    }
    int[] dims = new int[nd];
    java.math.BigInteger n = java.math.BigInteger.ONE;
    for (int i = 0; i < nd; i++) {
      dims[i] = java.nio.ByteBuffer.wrap(b, 4 + 4 * i, 4).getInt();
      if (dims[i] <= 0) {
        return null;
      }
      n = n.multiply(java.math.BigInteger.valueOf(dims[i]));
    }
    if (!n.equals(java.math.BigInteger.valueOf(b.length - 4 - 4 * nd))) {
      return null;
    }
    return new Decoded(dims, Arrays.copyOfRange(b, 4 + 4 * nd, b.length));
  }

  static byte[] idx(int[] dims, SplittableRandom rng) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + n);
    buf.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
    for (int d : dims) {
      buf.putInt(d);
    }
    for (int i = 0; i < n; i++) {
      buf.put((byte) rng.nextInt(256));
    }
    return buf.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static final int[] ODD_INTS = {0, -1, 1, 2, 255, 256, 65_536, 1 << 30, (1 << 30) + 1, Integer.MAX_VALUE,
      Integer.MIN_VALUE, 0x00ff_ffff, 46_341};

  /** One random damage of b: a cut, flipped bytes, an inserted or deleted byte, a header field edit, or extra bytes. */
  static byte[] mutate(byte[] b, SplittableRandom rng) {
    switch (rng.nextInt(7)) {
      case 0:
        return Arrays.copyOf(b, rng.nextInt(b.length));
      case 1: {
        byte[] c = b.clone();
        for (int k = 1 + rng.nextInt(3); k > 0; k--) {
          c[rng.nextInt(c.length)] ^= (byte) (1 + rng.nextInt(255));
        }
        return c;
      }
      case 2: {
        int at = rng.nextInt(b.length + 1);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) rng.nextInt(256);
        System.arraycopy(b, at, c, at + 1, b.length - at);
        return c;
      }
      case 3: {
        int at = rng.nextInt(b.length);
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
        return c;
      }
      case 4: {
        // A dimension field replaced by an awkward value (zero, negative, huge, overflowing products).
        byte[] c = b.clone();
        int nd = Math.max(1, Math.min(4, c[3] & 0xff));
        int v = rng.nextBoolean() ? ODD_INTS[rng.nextInt(ODD_INTS.length)] : rng.nextInt();
        java.nio.ByteBuffer.wrap(c, 4 + 4 * rng.nextInt(nd), 4).putInt(v);
        return c;
      }
      case 5: {
        byte[] c = b.clone();
        c[3] = (byte) rng.nextInt(7);
        return c;
      }
      default: {
        byte[] c = Arrays.copyOf(b, b.length + 1 + rng.nextInt(20));
        for (int i = b.length; i < c.length; i++) {
          c[i] = (byte) rng.nextInt(256);
        }
        return c;
      }
    }
  }

  /** Reads f: null if refused properly, else what was read; anything else fails the test. */
  private Idx.Tensor readOrRefused(Path f, String what) {
    try {
      return Idx.read(f);
    } catch (DataFileException e) {
      String m = e.getMessage();
      assertTrue(m != null && m.contains(f.toString()), () -> what + ": message does not name the file: " + m);
      assertFalse(m.contains("\n"), () -> what + ": message is not one line: " + m);
      return null;
    } catch (Throwable t) {
      fail(what + ": " + t + " escaped the reader", t);
      return null;
    }
  }

  private Path write(byte[] bytes, boolean gz) throws IOException {
    Path f = tmp.resolve("case" + (fileNo++) + (gz ? ".gz" : ""));
    Files.write(f, bytes);
    return f;
  }

  private static final int[][] SHAPES = {{7, 5, 4}, {13}, {3, 2, 2, 2}, {2, 28, 28}, {1, 1}};

  @Test
  void damagedFilesAreRefusedOrReadExactlyAsTheyAre() throws IOException {
    SplittableRandom rng = new SplittableRandom(20_240_610);
    int refused = 0;
    int accepted = 0;
    for (int c = 0; c < 300; c++) {
      byte[] original = idx(SHAPES[c % SHAPES.length], rng);
      byte[] damaged = mutate(original, rng);
      Decoded expected = reference(damaged);
      for (boolean gz : new boolean[] {false, true}) {
        String what = "case " + c + (gz ? " (gzip)" : " (plain)");
        Path f = write(gz ? gzip(damaged) : damaged, gz);
        Idx.Tensor t = readOrRefused(f, what);
        if (expected == null) {
          assertEquals(null, t, what + ": accepted a file that is not valid IDX");
          refused++;
        } else {
          assertTrue(t != null, what + ": refused a valid IDX file");
          assertArrayEquals(expected.dims(), t.dims(), what);
          assertArrayEquals(expected.data(), t.data(), what);
          accepted++;
        }
      }
    }
    // The mutations must exercise both outcomes, or the test proves little.
    assertTrue(refused > 300, "refused " + refused);
    assertTrue(accepted > 50, "accepted " + accepted);
  }

  @Test
  void damagedGzipStreamsAreRefusedOrReadAsTheOriginal() throws IOException {
    SplittableRandom rng = new SplittableRandom(77);
    int refused = 0;
    for (int c = 0; c < 300; c++) {
      byte[] original = idx(SHAPES[c % SHAPES.length], rng);
      byte[] damaged = mutate(gzip(original), rng);
      String what = "gzip case " + c;
      Idx.Tensor t = readOrRefused(write(damaged, true), what);
      if (t == null) {
        refused++;
      } else {
        // The CRC-32 and length in the trailer make any accepted stream the original (or the original
        // followed by bytes that are not a gzip member, which gzip readers ignore).
        Decoded d = reference(original);
        assertArrayEquals(d.dims(), t.dims(), what);
        assertArrayEquals(d.data(), t.data(), what);
      }
    }
    assertTrue(refused > 200, "refused " + refused);
  }

  @Test
  void headersDeclaringMoreThanTheFileHoldsAreRefusedWithoutAllocatingIt() throws IOException {
    // 2^30 values declared (1 GiB) over 100 real bytes, 4 x 2^30 (over the cap), and dimensions whose int
    // product would wrap around to a small number: all refused, quickly and without an OutOfMemoryError.
    int[][] headers = {{1 << 30}, {1 << 15, 1 << 15}, {65_536, 65_536}, {46_341, 46_341, 2}, {-1}, {Integer.MAX_VALUE, 2},
        {1 << 16, 1 << 16, 1 << 16, 1 << 16}};
    for (int[] dims : headers) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + 100);
      buf.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
      for (int d : dims) {
        buf.putInt(d);
      }
      for (boolean gz : new boolean[] {false, true}) {
        Path f = write(gz ? gzip(buf.array()) : buf.array(), gz);
        assertEquals(null, readOrRefused(f, Arrays.toString(dims)), Arrays.toString(dims));
      }
    }
  }

  @Test
  void aFileOfSeveralGigabytesBehindAValidHeaderIsRefusedWithoutReadingItIntoMemory() throws IOException {
    // A sparse 3 GiB file: a valid header of 100 values, the values, then about 3 GiB of zeros. Reading it
    // whole would need an array longer than Java allows (an OutOfMemoryError before the fix).
    Path f = tmp.resolve("huge");
    byte[] head = idx(new int[] {100}, new SplittableRandom(5));
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.write(head);
      raf.setLength(3L << 30);
    }
    assertEquals(null, readOrRefused(f, "3 GiB file"));
    DataFileException e = org.junit.jupiter.api.Assertions.assertThrows(DataFileException.class, () -> Idx.read(f));
    assertTrue(e.getMessage().contains(((3L << 30) - head.length) + " bytes beyond"), e.getMessage());
  }
}
