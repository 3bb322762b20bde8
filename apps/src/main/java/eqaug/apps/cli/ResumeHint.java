package eqaug.apps.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * While a command trains into a folder, an interrupt (Ctrl-C, SIGTERM) prints how to go on from what is saved:
 * every finished (run, strategy) part is already on disk, and --resume trains only the rest.
 */
final class ResumeHint implements AutoCloseable {
  private final Thread hook;

  ResumeHint(Path folder, String command, PrintStream err) {
    String line = "\n" + command + ": interrupted; the finished parts are saved in " + folder
        + ". To go on, repeat the same command with --resume --out " + folder;
    hook = new Thread(() -> {
      err.println(line);
      err.flush();
    }, "eqaug-resume-hint");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The command ended by itself (finished or failed with its own message): no hint at exit. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hint is being printed, as it should be
    }
  }
}
