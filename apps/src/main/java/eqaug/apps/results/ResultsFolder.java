package eqaug.apps.results;

import eqaug.apps.experiments.UsageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The folder a command writes its results to. It is checked before any work starts (exists as a folder or
 * can be created, is writable, holds no earlier results), locked for the whole command so that no second
 * command writes into it at the same time, and every file is written whole or not at all: to a temporary
 * file with a unique name first, then moved into place.
 *
 * <p>The lock is an OS file lock on {@value #LOCK} inside the folder: the OS drops it when the process ends,
 * however it ends, so a lock left by a killed command never blocks the next one. The lock file itself stays
 * (deleting it would let a waiting process lock a file that is no longer the folder's).
 */
public final class ResultsFolder implements AutoCloseable {
  public static final String LOCK = ".eqaug.lock";
  private static final java.util.concurrent.atomic.AtomicLong TEMP_COUNTER = new java.util.concurrent.atomic.AtomicLong();

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  /** Folders this command created (outermost first), removed again by {@link #discardIfEmpty}. */
  private final List<Path> created;

  private ResultsFolder(Path dir, FileChannel lockChannel, FileLock lock, List<Path> created) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.created = created;
  }

  public Path path() {
    return dir;
  }

  /** A new timestamped folder under results/ named after the command. */
  public static ResultsFolder createDefault(String command) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path base = Path.of("results", command + "-" + stamp);
    Path p = base;
    for (int i = 2; Files.exists(p); i++) {
      p = Path.of(base + "-" + i);
    }
    return open(p, "results folder");
  }

  /** The checks that need no folder to exist: an empty name, a file in the way, or earlier results. Nothing is created. */
  public static void refuseUnusable(Path p, String what) {
    if (p == null) {
      return;
    }
    if (p.toString().isEmpty()) {
      throw new UsageException(what + " must name a folder, got an empty path");
    }
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new UsageException(what + " " + p + " is a file, not a folder");
    }
    for (String name : new String[] {"config.json", "metrics.csv", "report.md"}) {
      if (Files.exists(p.resolve(name))) {
        throw new UsageException(what + " " + p + " already holds results (" + name
            + "); choose another --out so they are not overwritten, or add --resume to continue them");
      }
    }
  }

  /** The folder the user named with --out, created if needed and locked; it must hold no results. */
  public static ResultsFolder open(Path p, String what) {
    refuseUnusable(p, what);
    List<Path> created = new ArrayList<>();
    try {
      createDirectories(p, created);
      probeWritable(p);
    } catch (IOException | SecurityException e) {
      removeCreated(created);
      throw new UsageException("cannot write to " + what + " " + p + ": " + describe(e));
    }
    ResultsFolder f = locked(p, what, created);
    try {
      // Checked again under the lock: another command may have written results since the first check.
      refuseUnusable(p, what);
    } catch (UsageException e) {
      f.close();
      throw e;
    }
    return f;
  }

  /** An existing folder with earlier results, to be continued (--resume): a writable folder, locked. */
  public static ResultsFolder reopen(Path p, String what) {
    if (p.toString().isEmpty() || !Files.isDirectory(p)) {
      throw new UsageException(what + " " + p + " is not a folder of earlier results, so there is nothing to resume");
    }
    try {
      probeWritable(p);
    } catch (IOException | SecurityException e) {
      throw new UsageException("cannot write to " + what + " " + p + ": " + describe(e));
    }
    return locked(p, what, List.of());
  }

  private static void probeWritable(Path p) throws IOException {
    Path probe = Files.createTempFile(p, ".write-test", ".tmp");
    Files.delete(probe);
  }

  /** Like Files.createDirectories, but remembers which folders it made, so a failure can remove them. */
  private static void createDirectories(Path p, List<Path> created) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    List<Path> missing = new ArrayList<>();
    for (Path q = abs; q != null && !Files.exists(q); q = q.getParent()) {
      missing.add(0, q);
    }
    for (Path q : missing) {
      Files.createDirectory(q);
      created.add(q);
    }
  }

  private static void removeCreated(List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(created.get(i));
      } catch (IOException e) {
        return; // not empty (someone else wrote there): leave it and its parents
      }
    }
  }

  private static ResultsFolder locked(Path p, String what, List<Path> created) {
    Path lockFile = p.resolve(LOCK);
    FileChannel ch = null;
    try {
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another command in this same JVM
      }
      if (lock == null) {
        String holder = readHolder(lockFile);
        ch.close();
        throw new UsageException(what + " " + p + " is in use by another eqaug command"
            + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to finish, or choose another --out");
      }
      String me = "pid " + ProcessHandle.current().pid() + ", started " + java.time.Instant.now();
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      return new ResultsFolder(p, ch, lock, created);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      removeCreated(created);
      throw new UsageException("cannot lock " + what + " " + p + ": " + describe(e));
    }
  }

  /** Who holds the lock, as its holder wrote it ("pid 123, started ..."), or "" when unknown. */
  private static String readHolder(Path lockFile) {
    try {
      String s = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
      return s.length() > 200 || s.contains("\n") ? "" : s;
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  /** Writes the file whole: a temporary file with a unique name in the same folder, then an atomic rename. */
  public void write(String name, String content) throws IOException {
    write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  public void write(String name, byte[] content) throws IOException {
    write(name, out -> out.write(content));
  }

  /** What writes a file's content to a stream (which the folder closes). */
  @FunctionalInterface
  public interface Content {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  /** As above for content written as a stream, so a large file needs no copy in memory. */
  public void write(String name, Content content) throws IOException {
    Path target = dir.resolve(name);
    Files.createDirectories(target.getParent());
    // A name no other writer uses (process id and a counter), created new: not createTempFile, whose files are
    // private to the owner, while results are meant to be readable as the umask allows.
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
        + TEMP_COUNTER.incrementAndGet() + ".tmp");
    boolean moved = false;
    try {
      try (java.io.OutputStream out = new java.io.BufferedOutputStream(
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
        content.writeTo(out);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp); // a full disk must not leave half a file behind
      }
    }
  }

  /**
   * After a command failed before it finished anything: removes the named files it wrote and, if the
   * folder is then empty, the folders this command created, so that a retry with the same --out is not
   * refused for holding results. Called with the lock still held; releases it.
   */
  public void discardIfEmpty(String... names) {
    for (String n : names) {
      try {
        Files.deleteIfExists(dir.resolve(n));
      } catch (IOException e) {
        // leave it: the folder then simply stays
      }
    }
    boolean onlyLock;
    try (var s = Files.list(dir)) {
      onlyLock = s.allMatch(q -> q.getFileName().toString().equals(LOCK));
    } catch (IOException e) {
      onlyLock = false;
    }
    if (onlyLock && !created.isEmpty()) {
      close();
      try {
        Files.deleteIfExists(dir.resolve(LOCK));
      } catch (IOException e) {
        return;
      }
      removeCreated(created);
    }
  }

  /** Releases the lock (the OS also drops it if the process dies). */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}
