package eqaug.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, the element type 0x08 for
 * unsigned bytes, the number of dimensions, then each dimension as a 32-bit integer) followed by exactly
 * the product of the dimensions in bytes. Files may be gzip-compressed (recognised by their magic bytes).
 * Anything else — a short header, a wrong magic number, missing or extra bytes, broken compression — is
 * refused with a {@link DataFileException} naming the file, and no other exception: the data is read as a
 * stream and buffered only as far as it really exists, so a header declaring more than the file holds
 * never allocates what it declares.
 */
public final class Idx {
  /** An unsigned-byte tensor read from an IDX file. */
  public record Tensor(int[] dims, byte[] data) {
    public int count() {
      return dims[0];
    }

    /** Elements per entry: the product of every dimension but the first. */
    public int entrySize() {
      int s = 1;
      for (int i = 1; i < dims.length; i++) {
        s *= dims[i];
      }
      return s;
    }

    public int unsigned(int i) {
      return data[i] & 0xff;
    }
  }

  /** At most 2^30 values, so that every index and entry offset fits an int with room to spare. */
  private static final int MAX_ELEMENTS = 1 << 30;

  private Idx() {}

  public static Tensor read(Path file) {
    if (Files.isDirectory(file)) {
      throw new DataFileException(file + ": is a folder, not an IDX file");
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
          return parse(in, file.toString(), -1);
        }
      }
      return parse(raw, file.toString(), Files.size(file));
    } catch (NoSuchFileException e) {
      throw new DataFileException(file + ": no such file");
    } catch (EOFException e) {
      throw new DataFileException(file + ": truncated gzip data");
    } catch (ZipException e) {
      throw new DataFileException(file + ": corrupt gzip data (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new DataFileException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The tensor in {@code in}, whose length is {@code plainSize} bytes when known (-1 for a gzip stream);
   * IOExceptions of a gzip stream are the caller's to word.
   */
  private static Tensor parse(InputStream in, String name, long plainSize) throws IOException {
    boolean gzip = plainSize < 0;
    byte[] start = in.readNBytes(4);
    if (start.length < 4) {
      throw new DataFileException(name + ": too short for an IDX header (" + start.length + " bytes"
          + (gzip ? " after decompression" : "") + ")");
    }
    if (start[0] != 0 || start[1] != 0 || start[2] != 0x08) {
      throw new DataFileException(String.format(
          "%s: not an unsigned-byte IDX file (magic number 0x%02x%02x%02x%02x, expected 0x000008nn)",
          name, start[0], start[1], start[2], start[3]));
    }
    int nd = start[3] & 0xff;
    if (nd < 1 || nd > 4) {
      throw new DataFileException(name + ": IDX header declares " + nd + " dimensions");
    }
    byte[] head = in.readNBytes(4 * nd);
    if (head.length < 4 * nd) {
      throw new DataFileException(name + ": truncated IDX header (" + (4 + head.length) + " of " + (4 + 4 * nd)
          + " bytes)");
    }
    int[] dims = new int[nd];
    long elements = 1;
    for (int i = 0; i < nd; i++) {
      int o = 4 * i;
      dims[i] = ((head[o] & 0xff) << 24) | ((head[o + 1] & 0xff) << 16) | ((head[o + 2] & 0xff) << 8) | (head[o + 3] & 0xff);
      if (dims[i] <= 0) {
        throw new DataFileException(name + ": dimension " + i + " is " + dims[i]);
      }
      elements *= dims[i];
      if (elements > MAX_ELEMENTS) {
        throw new DataFileException(name + ": IDX header declares more than 2^30 values " + describe(dims, i));
      }
    }
    int want = (int) elements;
    // Grow the buffer with the data actually present, never to the declared size up front.
    byte[] data = new byte[Math.min(want, 1 << 20)];
    int have = 0;
    while (have < want) {
      if (have == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(want, 2L * data.length));
      }
      int r = in.read(data, have, data.length - have);
      if (r < 0) {
        break;
      }
      have += r;
    }
    if (have < want) {
      throw new DataFileException(name + ": truncated: " + have + " of " + want + " data bytes for dimensions "
          + Arrays.toString(dims));
    }
    if (in.read() >= 0) {
      // Count what is left without reading gigabytes of a plain file; a gzip stream has to be inflated.
      long extra = 1;
      if (plainSize >= 0) {
        extra = plainSize - 4 - 4L * nd - want;
      } else {
        byte[] skip = new byte[8192];
        for (int r; (r = in.read(skip)) >= 0; ) {
          extra += r;
        }
      }
      throw new DataFileException(name + ": " + extra + " bytes beyond dimensions " + Arrays.toString(dims));
    }
    return new Tensor(dims, data);
  }

  private static String describe(int[] dims, int upTo) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i <= upTo; i++) {
      s.append(i == 0 ? "" : " x ").append(Integer.toUnsignedString(dims[i]));
    }
    return s.append(upTo + 1 < dims.length ? " x ...)" : ")").toString();
  }

  /** Writes an unsigned-byte IDX file, gzip-compressed when the name ends in .gz. */
  public static void write(Path file, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeByte(0);
      out.writeByte(0);
      out.writeByte(0x08);
      out.writeByte(dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
    try (OutputStream os = file.toString().endsWith(".gz")
        ? new GZIPOutputStream(Files.newOutputStream(file))
        : new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
      buf.writeTo(os);
    }
  }
}
