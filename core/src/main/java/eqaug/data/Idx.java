package eqaug.data;

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
 * refused with a message naming the file.
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

  private static final int MAX_ELEMENTS = 1 << 30;

  private Idx() {}

  public static Tensor read(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataFileException(file + ": no such file");
    } catch (IOException e) {
      throw new DataFileException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      } catch (EOFException e) {
        throw new DataFileException(file + ": truncated gzip data");
      } catch (ZipException e) {
        throw new DataFileException(file + ": corrupt gzip data (" + e.getMessage() + ")");
      } catch (IOException e) {
        throw new DataFileException(file + ": cannot decompress (" + e.getMessage() + ")", e);
      }
    }
    return parse(raw, file.toString());
  }

  static Tensor parse(byte[] raw, String name) {
    if (raw.length < 4) {
      throw new DataFileException(name + ": too short for an IDX header (" + raw.length + " bytes)");
    }
    if (raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08) {
      throw new DataFileException(String.format(
          "%s: not an unsigned-byte IDX file (magic number 0x%02x%02x%02x%02x, expected 0x000008nn)",
          name, raw[0], raw[1], raw[2], raw[3]));
    }
    int nd = raw[3] & 0xff;
    if (nd < 1 || nd > 4) {
      throw new DataFileException(name + ": IDX header declares " + nd + " dimensions");
    }
    int header = 4 + 4 * nd;
    if (raw.length < header) {
      throw new DataFileException(name + ": truncated IDX header");
    }
    int[] dims = new int[nd];
    long elements = 1;
    for (int i = 0; i < nd; i++) {
      int o = 4 + 4 * i;
      dims[i] = ((raw[o] & 0xff) << 24) | ((raw[o + 1] & 0xff) << 16) | ((raw[o + 2] & 0xff) << 8) | (raw[o + 3] & 0xff);
      if (dims[i] <= 0) {
        throw new DataFileException(name + ": dimension " + i + " is " + dims[i]);
      }
      elements *= dims[i];
      if (elements > MAX_ELEMENTS) {
        throw new DataFileException(name + ": IDX header declares more than 2^30 values");
      }
    }
    long expected = header + elements;
    if (raw.length < expected) {
      throw new DataFileException(name + ": truncated: " + (raw.length - header) + " of " + elements
          + " data bytes for dimensions " + Arrays.toString(dims));
    }
    if (raw.length > expected) {
      throw new DataFileException(name + ": " + (raw.length - expected) + " bytes beyond dimensions "
          + Arrays.toString(dims));
    }
    return new Tensor(dims, Arrays.copyOfRange(raw, header, raw.length));
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
