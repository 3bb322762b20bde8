package eqaug.io;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz}: a zip archive with one {@code NAME.npy} member per array, as {@code numpy.savez} writes
 * it (stored, uncompressed) and {@code numpy.load} reads it. Written members carry a fixed time stamp, so the
 * same arrays always give the same bytes (and the same SHA-256). Reading accepts stored and deflated members
 * and checks each member's CRC-32, so a damaged archive is refused rather than read wrong.
 */
public final class Npz {
  /** The time stamp of every member written: the earliest a zip can hold, as numpy.savez uses too. */
  private static final LocalDateTime EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

  private Npz() {}

  /** The archive of {@code arrays}, in their iteration order, each member stored uncompressed. */
  public static byte[] write(Map<String, Npy.Array> arrays) {
    Map<String, Npy.View> views = new LinkedHashMap<>();
    arrays.forEach((name, a) -> views.put(name, new Npy.View(a.dtype(), a.shape(), a.data(), 0)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      write(views, bytes);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * The same archive written to {@code out} (left open), with no copy of any array in memory: each member is
   * encoded twice, once for its CRC-32 (which a stored member's header carries) and once into the archive.
   */
  public static void write(Map<String, Npy.View> arrays, OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // FilterOutputStream would write byte by byte
      }

      @Override
      public void close() throws IOException {
        flush(); // the caller closes out
      }
    });
    try {
      for (Map.Entry<String, Npy.View> e : arrays.entrySet()) {
        CRC32 crc = new CRC32();
        long[] size = {0};
        Npy.write(e.getValue(), new OutputStream() {
          @Override
          public void write(int b) {
            crc.update(b);
            size[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            size[0] += len;
          }
        });
        ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size[0]);
        entry.setCompressedSize(size[0]);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(EPOCH);
        zip.putNextEntry(entry);
        Npy.write(e.getValue(), zip);
        zip.closeEntry();
      }
    } finally {
      zip.close(); // writes the central directory
    }
  }

  /**
   * The arrays of an .npz file, by name (the member name less {@code .npy}), in archive order. Refuses, naming
   * the member: a file that is not a whole zip archive, a member that is not {@code .npy} or appears twice,
   * a member whose bytes do not match its CRC-32, and any member {@link Npy#read} refuses.
   */
  public static Map<String, Npy.Array> read(Path file) throws IOException {
    Map<String, Npy.Array> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String member = entry.getName();
        if (entry.isDirectory()) {
          continue;
        }
        if (!member.endsWith(".npy")) {
          throw new NpyFormatException("member '" + member + "' is not an .npy array");
        }
        String name = member.substring(0, member.length() - 4);
        if (out.containsKey(name)) {
          throw new NpyFormatException("array '" + name + "' appears twice");
        }
        byte[] data;
        try (InputStream in = zip.getInputStream(entry)) {
          data = in.readAllBytes();
        } catch (ZipException | java.io.EOFException e) {
          throw new NpyFormatException("array '" + name + "': damaged member (" + e.getMessage() + ")", e);
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
          throw new NpyFormatException("array '" + name + "': damaged member (CRC-32 does not match)");
        }
        if (entry.getSize() != -1 && data.length != entry.getSize()) {
          throw new NpyFormatException("array '" + name + "': damaged member (" + data.length + " bytes, "
              + entry.getSize() + " recorded)");
        }
        try {
          out.put(name, Npy.read(data));
        } catch (NpyFormatException e) {
          throw new NpyFormatException("array '" + name + "': " + e.getMessage(), e);
        }
      }
    } catch (ZipException e) {
      throw new NpyFormatException("not a readable .npz (zip) archive: " + e.getMessage(), e);
    }
    return out;
  }
}
