package eqaug.apps.cli;

import eqaug.apps.results.ExperimentRunner;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command counted in arithmetic (MFLOP of the passes over the data, so that the ETA
 * holds across experiments of very different cost): a bar with an ETA on a terminal, and a plain line every
 * ten seconds (for logs and CI) otherwise.
 */
final class Progress implements ExperimentRunner.Progress, AutoCloseable {
  private final ProgressBar bar;
  private final PrintStream log;
  private final PrintStream warnings;
  private final long total;
  private final long started = System.nanoTime();
  private long done;
  private long lastLine = System.nanoTime();

  Progress(String task, long total, PrintStream log, boolean quiet) {
    this.total = total;
    this.log = quiet ? null : log;
    this.warnings = log;
    if (!quiet && Terminal.interactive()) {
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(total)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
          .setUnit(" GFLOP", 1000)
          .setUpdateIntervalMillis(200)
          .setConsumer(new ConsoleProgressBarConsumer(log))
          .build();
    } else {
      bar = null;
    }
  }

  public synchronized void step(long work) {
    done += work;
    if (bar != null) {
      bar.stepBy(work);
    } else if (log != null && System.nanoTime() - lastLine > 10_000_000_000L) {
      lastLine = System.nanoTime();
      double elapsed = (lastLine - started) / 1e9;
      double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
      log.printf("  %.0f%% (%.0f of %.0f GFLOP), %.0f s elapsed, about %.0f s left%n",
          100.0 * done / total, done / 1e3, total / 1e3, elapsed, eta);
    }
  }

  public synchronized void message(String text) {
    if (bar != null) {
      bar.setExtraMessage(text);
    }
  }

  /** A line that must be seen (a diverged run), printed without breaking the bar. */
  public synchronized void warn(String text) {
    warnings.println((bar != null ? "\n" : "") + "warning: " + text);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.stepTo(done);
      bar.close();
    }
  }
}
