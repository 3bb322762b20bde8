package eqaug.apps;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The folder a command writes its results to. It is checked before any work starts (exists as a folder or
 * can be created, is writable, holds no earlier results), and every file is written whole or not at all:
 * to a temporary name first, then moved into place.
 */
final class ResultsFolder {
  private final Path dir;

  private ResultsFolder(Path dir) {
    this.dir = dir;
  }

  Path path() {
    return dir;
  }

  /** A new timestamped folder under results/ named after the command. */
  static ResultsFolder createDefault(String command) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path base = Path.of("results", command + "-" + stamp);
    Path p = base;
    for (int i = 2; Files.exists(p); i++) {
      p = Path.of(base + "-" + i);
    }
    return open(p, "results folder");
  }

  /** The checks that need no folder to exist: a file in the way, or earlier results. Nothing is created. */
  static void refuseUnusable(Path p, String what) {
    if (p == null) {
      return;
    }
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new UsageException(what + " " + p + " is a file, not a folder");
    }
    for (String name : new String[] {"config.json", "metrics.csv", "report.md"}) {
      if (Files.exists(p.resolve(name))) {
        throw new UsageException(what + " " + p + " already holds results (" + name
            + "); choose another --out so they are not overwritten");
      }
    }
  }

  /** The folder the user named with --out. */
  static ResultsFolder open(Path p, String what) {
    refuseUnusable(p, what);
    try {
      Files.createDirectories(p);
      Path probe = Files.createTempFile(p, ".write-test", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new UsageException("cannot write to " + what + " " + p + ": " + describe(e));
    }
    return new ResultsFolder(p);
  }

  /** An existing folder with earlier results, to be continued (--resume): it must be a writable folder. */
  static ResultsFolder reopen(Path p, String what) {
    if (!Files.isDirectory(p)) {
      throw new UsageException(what + " " + p + " is not a folder of earlier results, so there is nothing to resume");
    }
    try {
      Path probe = Files.createTempFile(p, ".write-test", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new UsageException("cannot write to " + what + " " + p + ": " + describe(e));
    }
    return new ResultsFolder(p);
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  /** Writes the file whole: a temporary file in the same folder, then an atomic rename. */
  void write(String name, String content) throws IOException {
    write(name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  void write(String name, byte[] content) throws IOException {
    Path target = dir.resolve(name);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, content);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
