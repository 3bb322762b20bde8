package eqaug.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NumPy's {@code .npy} format (numpy.lib.format, "NEP 1"), for C-order little-endian float arrays: written as
 * version 1.0 with the header padded so that the data starts at a multiple of {@value #ALIGN} bytes, as current
 * NumPy writes it; read in versions 1.0, 2.0 and 3.0. Only {@code <f4} and {@code <f8} are supported, which is
 * all parameter files need; anything else is refused with a message saying what was found.
 */
public final class Npy {
  /** The magic string's first byte and "NUMPY". */
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** Data offset alignment: NumPy pads version 1.0 headers to 64 bytes (16 is the format's minimum). */
  public static final int ALIGN = 64;

  private Npy() {}

  /** The two element types: little-endian IEEE float32 and float64. */
  public enum Dtype {
    F4("<f4", 4), F8("<f8", 8);

    private final String descr;
    private final int size;

    Dtype(String descr, int size) {
      this.descr = descr;
      this.size = size;
    }

    /** NumPy's type string, as in the header's 'descr'. */
    public String descr() {
      return descr;
    }

    public int size() {
      return size;
    }
  }

  /**
   * One array: its element type, shape (C order) and values, widened to double ({@code <f4} values exactly).
   * The arrays are not copied; treat them as read-only.
   */
  public record Array(Dtype dtype, int[] shape, double[] data) {
    public Array {
      if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      long n = count(shape);
      if (n != data.length) {
        throw new IllegalArgumentException("shape " + shapeString(shape) + " holds " + n + " values, got " + data.length);
      }
    }

    /** The shape as Python writes a tuple: (3, 4), (5,) or (). */
    public String shapeText() {
      return shapeString(shape);
    }
  }

  /**
   * An array to write without copying it: {@code count(shape)} values of {@code data} from {@code offset}, in C
   * order (a layer's slice of a flat parameter vector).
   */
  public record View(Dtype dtype, int[] shape, double[] data, int offset) {
    public View {
      long n = count(shape);
      if (offset < 0 || offset + n > data.length) {
        throw new IllegalArgumentException("shape " + shapeString(shape) + " from offset " + offset + " exceeds "
            + data.length + " values");
      }
    }

    /** The .npy file's size in bytes: header and data. */
    public long byteSize() {
      return header(this).length + count(shape) * dtype.size();
    }
  }

  /** The .npy header of {@code v}: magic, version 1.0, length, dict, padded to {@link #ALIGN} bytes. */
  static byte[] header(View v) {
    String dict = "{'descr': '" + v.dtype().descr() + "', 'fortran_order': False, 'shape': " + shapeString(v.shape())
        + ", }";
    // magic (6) + version (2) + header length (2) + dict + padding spaces + '\n', a multiple of ALIGN in all.
    int unpadded = MAGIC.length + 4 + dict.length() + 1;
    int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
    int headerLen = total - MAGIC.length - 4;
    if (headerLen > 0xFFFF) {
      throw new IllegalArgumentException("shape " + shapeString(v.shape()) + " makes a header too long for .npy 1.0");
    }
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLen);
    b.put(dict.getBytes(StandardCharsets.US_ASCII));
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  /**
   * Writes {@code v} as .npy to {@code out} in chunks, with no copy of the array in memory. With
   * {@link Dtype#F4} each value is rounded to float (exact for values that are floats already).
   */
  public static void write(View v, java.io.OutputStream out) throws java.io.IOException {
    out.write(header(v));
    int n = (int) count(v.shape());
    int size = v.dtype().size();
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      if (chunk.remaining() < size) {
        out.write(chunk.array(), 0, chunk.position());
        chunk.clear();
      }
      double x = v.data()[v.offset() + i];
      if (v.dtype() == Dtype.F4) {
        chunk.putFloat((float) x);
      } else {
        chunk.putDouble(x);
      }
    }
    out.write(chunk.array(), 0, chunk.position());
  }

  static long count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  static String shapeString(int[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /**
   * The .npy bytes of {@code a}. With {@link Dtype#F4} each value is rounded to float (exact for values that
   * are floats already).
   */
  public static byte[] write(Array a) {
    View v = new View(a.dtype(), a.shape(), a.data(), 0);
    long bytes = v.byteSize();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("array of " + a.data().length + " values is too large for one byte array");
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) bytes);
    try {
      write(v, out);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("writing to memory failed", e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  /**
   * Parses .npy bytes. Refuses, with a message naming the problem: a wrong magic string or version, a header
   * that is not the dict the format prescribes, Fortran order, an element type other than {@code <f4} and
   * {@code <f8}, and data shorter or longer than the shape says.
   */
  public static Array read(byte[] bytes) throws NpyFormatException {
    if (bytes.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new NpyFormatException("not an .npy array (no \\x93NUMPY magic string)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6] & 0xFF;
    int minor = bytes[7] & 0xFF;
    long headerLen;
    int start;
    if (major == 1 && minor == 0) {
      headerLen = b.getShort(8) & 0xFFFF;
      start = 10;
    } else if ((major == 2 || major == 3) && minor == 0) {
      if (bytes.length < 12) {
        throw new NpyFormatException("truncated .npy header");
      }
      headerLen = b.getInt(8) & 0xFFFFFFFFL;
      start = 12;
    } else {
      throw new NpyFormatException(".npy format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
    }
    if (start + headerLen > bytes.length) {
      throw new NpyFormatException("truncated .npy header (" + headerLen + " bytes announced, "
          + (bytes.length - start) + " present)");
    }
    // Version 3.0 allows UTF-8 in the header; the keys and values we accept are ASCII either way.
    String header = new String(bytes, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Header h = Header.parse(header);
    if (h.fortranOrder) {
      throw new NpyFormatException("Fortran order (fortran_order: True) is not supported; save the array in C order");
    }
    Dtype dtype = switch (h.descr) {
      case "<f4" -> Dtype.F4;
      case "<f8" -> Dtype.F8;
      default -> throw new NpyFormatException("element type '" + h.descr + "' is not supported (only '<f4' and '<f8')");
    };
    long n = count(h.shape);
    int dataStart = start + (int) headerLen;
    long want = n * dtype.size();
    long have = bytes.length - (long) dataStart;
    if (have != want) {
      throw new NpyFormatException("data of shape " + shapeString(h.shape) + " " + dtype.descr() + " needs " + want
          + " bytes, the file holds " + have + (have < want ? " (truncated)" : " (extra bytes)"));
    }
    double[] data = new double[(int) n];
    b.position(dataStart);
    for (int i = 0; i < data.length; i++) {
      data[i] = dtype == Dtype.F4 ? b.getFloat() : b.getDouble();
    }
    return new Array(dtype, h.shape, data);
  }

  /** The header dict: a Python literal with exactly the keys 'descr', 'fortran_order' and 'shape'. */
  private record Header(String descr, boolean fortranOrder, int[] shape) {
    static Header parse(String text) throws NpyFormatException {
      Parser p = new Parser(text);
      String descr = null;
      Boolean fortran = null;
      int[] shape = null;
      p.skipSpace();
      p.expect('{');
      while (true) {
        p.skipSpace();
        if (p.peek() == '}') {
          p.pos++;
          break;
        }
        String key = p.string();
        p.skipSpace();
        p.expect(':');
        p.skipSpace();
        switch (key) {
          case "descr" -> {
            if (p.peek() != '\'' && p.peek() != '"') {
              throw new NpyFormatException("header 'descr' is a structured type, not a plain float type");
            }
            descr = p.string();
          }
          case "fortran_order" -> fortran = p.bool();
          case "shape" -> shape = p.tuple();
          default -> throw new NpyFormatException("header has an unknown key '" + key + "'");
        }
        p.skipSpace();
        if (p.peek() == ',') {
          p.pos++;
        } else if (p.peek() != '}') {
          throw new NpyFormatException("malformed header dict at character " + p.pos + ": " + text.strip());
        }
      }
      p.skipSpace();
      if (p.pos != text.length()) {
        throw new NpyFormatException("malformed header: text after the dict");
      }
      if (descr == null || fortran == null || shape == null) {
        throw new NpyFormatException("header lacks " + (descr == null ? "'descr'" : fortran == null ? "'fortran_order'"
            : "'shape'"));
      }
      return new Header(descr, fortran, shape);
    }
  }

  /** Just enough of a Python-literal scanner for the header dict. */
  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    char peek() throws NpyFormatException {
      if (pos >= s.length()) {
        throw new NpyFormatException("malformed header: it ends early");
      }
      return s.charAt(pos);
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    void expect(char c) throws NpyFormatException {
      if (peek() != c) {
        throw new NpyFormatException("malformed header: expected '" + c + "' at character " + pos);
      }
      pos++;
    }

    String string() throws NpyFormatException {
      char q = peek();
      if (q != '\'' && q != '"') {
        throw new NpyFormatException("malformed header: expected a quoted key or value at character " + pos);
      }
      int end = s.indexOf(q, pos + 1);
      if (end < 0) {
        throw new NpyFormatException("malformed header: unterminated string");
      }
      String v = s.substring(pos + 1, end);
      pos = end + 1;
      return v;
    }

    boolean bool() throws NpyFormatException {
      if (s.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      throw new NpyFormatException("malformed header: 'fortran_order' is neither True nor False");
    }

    int[] tuple() throws NpyFormatException {
      expect('(');
      List<Integer> dims = new ArrayList<>();
      while (true) {
        skipSpace();
        if (peek() == ')') {
          pos++;
          break;
        }
        int from = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (from == pos) {
          throw new NpyFormatException("malformed header: 'shape' holds a non-integer at character " + from);
        }
        try {
          dims.add(Integer.parseInt(s.substring(from, pos)));
        } catch (NumberFormatException e) {
          throw new NpyFormatException("header 'shape' has a dimension too large: " + s.substring(from, pos));
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != ')') {
          throw new NpyFormatException("malformed header: 'shape' is not a tuple of integers");
        }
      }
      int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
      if (count(shape) > Integer.MAX_VALUE - 16) {
        throw new NpyFormatException("shape " + shapeString(shape) + " is too large");
      }
      return shape;
    }
  }
}
