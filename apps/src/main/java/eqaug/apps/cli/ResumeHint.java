package eqaug.apps.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * While a command trains into a folder, an interrupt (Ctrl-C, SIGTERM) prints how to go on from what is saved:
 * every finished (run, strategy) part is already on disk, and --resume trains only the rest. A command run inside
 * another on the same thread (a sweep's point) leaves the hint to the outer command, whose --resume goes on with it.
 */
final class ResumeHint implements AutoCloseable {
  private static final ThreadLocal<ResumeHint> OUTER = new ThreadLocal<>();

  /** Null when an outer command's hint speaks for this one. */
  final Thread hook;

  ResumeHint(Path folder, String command, PrintStream err) {
    if (OUTER.get() != null) {
      hook = null;
      return;
    }
    String line = "\n" + command + ": interrupted; the finished parts are saved in " + folder
        + ". To go on, repeat the same command with --resume --out " + folder;
    hook = new Thread(() -> {
      err.println(line);
      err.flush();
    }, "eqaug-resume-hint");
    Runtime.getRuntime().addShutdownHook(hook);
    OUTER.set(this);
  }

  /** The command ended by itself (finished or failed with its own message): no hint at exit. */
  @Override
  public void close() {
    if (hook == null) {
      return;
    }
    OUTER.remove();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hint is being printed, as it should be
    }
  }
}
