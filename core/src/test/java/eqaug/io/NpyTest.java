package eqaug.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The .npy format as numpy.lib.format specifies it: magic, version 1.0, header dict, alignment, C-order data. */
class NpyTest {
  private static final double[] VALUES = {0.5, -1.25, 3e-8, Float.MIN_VALUE, -0.0, 7, 1e30, 2, 3, 4, 5, 6};

  /** The header text of written bytes, checked against the format's rules on the way. */
  private static String header(byte[] b) {
    assertEquals((byte) 0x93, b[0]);
    assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
    assertEquals(1, b[6]);
    assertEquals(0, b[7]);
    int len = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
    assertEquals(0, (10 + len) % 64, "data starts on a 64-byte boundary");
    String h = new String(b, 10, len, StandardCharsets.US_ASCII);
    assertTrue(h.endsWith("\n"), "header ends with a newline");
    return h;
  }

  @Test
  void writesVersion10HeadersAlignedTo64BytesWithTheDataInCOrderLittleEndian() {
    Npy.Array a = new Npy.Array(Npy.Dtype.F4, new int[] {3, 4}, VALUES);
    byte[] b = Npy.write(a);
    String h = header(b);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", h.strip());
    int start = b.length - 12 * 4;
    assertEquals(10 + h.length(), start);
    ByteBuffer data = ByteBuffer.wrap(b, start, 48).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : VALUES) {
      assertEquals(Float.floatToRawIntBits((float) v), Float.floatToRawIntBits(data.getFloat()));
    }
    assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (12,), }",
        header(Npy.write(new Npy.Array(Npy.Dtype.F8, new int[] {12}, VALUES))).strip());
    assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
        header(Npy.write(new Npy.Array(Npy.Dtype.F8, new int[0], new double[] {2}))).strip());
  }

  @Test
  void readsBackWhatItWritesBitForBit() throws NpyFormatException {
    for (Npy.Dtype t : Npy.Dtype.values()) {
      for (int[] shape : new int[][] {{3, 4}, {12}, {2, 3, 2}, {1, 12}}) {
        Npy.Array back = Npy.read(Npy.write(new Npy.Array(t, shape, VALUES)));
        assertEquals(t, back.dtype());
        assertArrayEquals(shape, back.shape());
        for (int i = 0; i < VALUES.length; i++) {
          double want = t == Npy.Dtype.F4 ? (float) VALUES[i] : VALUES[i];
          assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(back.data()[i]));
        }
      }
    }
    Npy.Array empty = Npy.read(Npy.write(new Npy.Array(Npy.Dtype.F4, new int[] {0, 5}, new double[0])));
    assertArrayEquals(new int[] {0, 5}, empty.shape());
  }

  /** A hand-made file: version 1.0 with the given dict (padded to 16 bytes, the format's minimum) and data. */
  private static byte[] handMade(String dict, int dataBytes) {
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 15) / 16 * 16;
    ByteBuffer b = ByteBuffer.allocate(total + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (total - 10));
    b.put(dict.getBytes(StandardCharsets.US_ASCII));
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  @Test
  void readsOtherwiseSpacedAndOrderedHeadersAsNumpyMayWriteThem() throws NpyFormatException {
    Npy.Array a = Npy.read(handMade("{\"shape\":(2,3),\"fortran_order\":False,\"descr\":'<f8'}", 48));
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertEquals(Npy.Dtype.F8, a.dtype());
  }

  private static String refusal(byte[] b) {
    return assertThrows(NpyFormatException.class, () -> Npy.read(b)).getMessage();
  }

  @Test
  void refusesWhatItCannotReadRightSayingWhy() {
    assertTrue(refusal(handMade("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24))
        .contains("Fortran order"));
    assertTrue(refusal(handMade("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 24))
        .contains("'>f4' is not supported"));
    assertTrue(refusal(handMade("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 24))
        .contains("'<i4' is not supported"));
    assertTrue(refusal(handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8))
        .contains("structured"));
    assertTrue(refusal(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20))
        .contains("truncated"));
    assertTrue(refusal(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 28))
        .contains("extra bytes"));
    assertTrue(refusal(handMade("{'descr': '<f4', 'shape': (2, 3), }", 24)).contains("lacks 'fortran_order'"));
    assertTrue(refusal(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 24))
        .contains("non-integer"));
    byte[] ok = Npy.write(new Npy.Array(Npy.Dtype.F4, new int[] {2}, new double[] {1, 2}));
    byte[] magic = ok.clone();
    magic[1] = 'X';
    assertTrue(refusal(magic).contains("magic"));
    byte[] version = ok.clone();
    version[6] = 9;
    assertTrue(refusal(version).contains("version 9.0"));
    assertTrue(refusal(Arrays.copyOf(ok, 30)).contains("truncated .npy header"));
  }
}
