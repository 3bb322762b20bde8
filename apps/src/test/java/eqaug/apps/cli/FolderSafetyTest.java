package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.results.ResultsFolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.Backend;
import eqaug.backend.CpuBackend;
import eqaug.backend.TrainingEngine;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per results folder, files written whole under unique temporary names, and failures that keep what
 * finished and leave nothing that blocks a retry.
 */
class FolderSafetyTest {
  private static final String[] PERM = {"perm", "--runs", "2", "--epochs", "3", "--samples", "60", "--naug", "2", "-q"};

  @TempDir
  Path tmp;

  private static String[] with(String... more) {
    return Stream.concat(Stream.of(PERM), Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void aSecondCommandOnALockedFolderIsRefusedNamingTheHolder() throws IOException {
    Path dir = tmp.resolve("busy");
    try (ResultsFolder held = ResultsFolder.open(dir, "--out")) {
      EndToEndTest.assertOneLineError(CliTest.run(with("--out", dir.toString())),
          "is in use by another eqaug command (pid " + ProcessHandle.current().pid());
      EndToEndTest.assertOneLineError(CliTest.run(with("--out", dir.toString(), "--resume")), "is in use");
    }
    // Released: the folder is usable again (it holds no results yet).
    assertEquals(0, CliTest.run(with("--out", dir.toString())).code());
  }

  @Test
  void anotherProcessHoldingTheFolderBlocksUntilItIsKilled() throws Exception {
    Path dir = tmp.resolve("shared");
    // A real second eqaug process, slow enough to be caught in the middle of its work.
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "perm", "--runs", "30", "--epochs", "200", "--samples", "200", "-q", "--out", dir.toString()));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
        .start();
    try {
      Path lock = dir.resolve(ResultsFolder.LOCK);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(Files.exists(lock) && Files.readString(lock).startsWith("pid " + child.pid()))) {
        assertTrue(child.isAlive(), () -> "the child ended early: " + read(tmp.resolve("child.log")));
        assertTrue(System.nanoTime() < deadline, "the child never locked its folder");
        Thread.sleep(50);
      }
      EndToEndTest.assertOneLineError(CliTest.run(with("--out", dir.toString(), "--resume")),
          "is in use by another eqaug command (pid " + child.pid() + ",");
      // Killed without any chance to clean up (kill -9): the OS drops its lock, so the folder can be resumed.
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      try (ResultsFolder again = ResultsFolder.reopen(dir, "--out")) {
        assertEquals("pid " + ProcessHandle.current().pid(), Files.readString(lock).split(",")[0]);
      }
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void anInterruptedCommandSaysHowToResume() throws Exception {
    Path dir = tmp.resolve("stopped");
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "perm", "--runs", "30", "--epochs", "200", "--samples", "200", "-q", "--out", dir.toString());
    Path log = tmp.resolve("stopped.log");
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(dir.resolve("config.json"))) {
        assertTrue(child.isAlive() && System.nanoTime() < deadline, () -> "the child never started: " + read(log));
        Thread.sleep(50);
      }
      child.destroy(); // SIGTERM, as a scheduler or Ctrl-C would stop it
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      String out = read(log);
      assertTrue(out.contains("interrupted; the finished parts are saved in " + dir
          + ". To go on, repeat the same command with --resume --out " + dir), out);
    } finally {
      child.destroyForcibly();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  @Test
  void concurrentWritersOfOneFileNeverCollideAndLeaveNoTemporaryFiles() throws Exception {
    Path dir = tmp.resolve("w");
    try (ResultsFolder f = ResultsFolder.open(dir, "--out")) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 4; t++) {
        String content = ("writer " + t + "\n").repeat(20_000);
        threads.add(new Thread(() -> {
          try {
            for (int i = 0; i < 20; i++) {
              f.write("config.json", content);
            }
          } catch (IOException | RuntimeException e) {
            errors.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(List.of(), errors);
      String last = Files.readString(dir.resolve("config.json"));
      assertTrue(last.matches("(?s)(writer \\d\n)+") && last.lines().distinct().count() == 1, "a whole file of one writer");
      // A write that cannot be completed (the target is a folder in the way) removes its temporary file.
      Files.createDirectories(dir.resolve("metrics.csv/blocker"));
      assertThrows(IOException.class, () -> f.write("metrics.csv", "x"));
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> left = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of(ResultsFolder.LOCK, "config.json", "metrics.csv"), left);
    }
  }

  /** A CPU backend whose engines fail at the n-th (run, strategy) they train: a failure in the middle of a command. */
  private static Backend failingAt(int n, RuntimeException failure) {
    CpuBackend cpu = new CpuBackend();
    int[] trained = {0};
    return new Backend() {
      @Override
      public String name() {
        return "cpu";
      }

      @Override
      public String description() {
        return "cpu that fails";
      }

      @Override
      public Optional<String> unavailableReason() {
        return Optional.empty();
      }

      @Override
      public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads) {
        TrainingEngine e = cpu.open(arch, data, cfg, threads);
        return new TrainingEngine() {
          @Override
          public String describe() {
            return e.describe();
          }

          @Override
          public RunOutcome train(int run, Strategy s, float[] a0, RandomGenerator rng, TrainingListener l) {
            if (trained[0]++ == n) {
              throw failure;
            }
            return e.train(run, s, a0, rng, l);
          }

          @Override
          public void close() {
            e.close();
          }
        };
      }
    };
  }

  private ExperimentSession.Result runSession(Path dir, Backend backend) {
    return runSession(dir, backend, null);
  }

  private ExperimentSession.Result runSession(Path dir, Backend backend, String saveParams) {
    ExperimentOptions o = new ExperimentOptions();
    o.saveParams = saveParams;
    o.runs = 2;
    o.epochs = 3;
    o.samples = 60;
    o.naug = "2";
    o.quiet = true;
    Protocol protocol = ExperimentCommand.protocol(new PermCommand().defaults(ExperimentOptions.Scale.quick), o);
    Experiment exp = new PermCommand().create(protocol);
    protocol = ExperimentCommand.fitToData(protocol, exp, o);
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    try (ResultsFolder folder = ResultsFolder.open(dir, "--out");
         Progress progress = new Progress("t", 1, quiet, true)) {
      return new ExperimentSession(o, backend).run(exp, protocol, folder, progress, quiet, false);
    }
  }

  @Test
  void aFailureBeforeAnythingFinishedLeavesNoFolderToBlockTheRetry() {
    Path dir = tmp.resolve("a/b/early");
    assertThrows(IllegalStateException.class, () -> runSession(dir, failingAt(0, new IllegalStateException("boom"))));
    assertFalse(Files.exists(tmp.resolve("a")), "the folders the command made are gone");
    assertEquals(0, CliTest.run(with("--out", dir.toString())).code());
  }

  /** The CPU, failing in the first part right after A at epoch 1 was handed out (and saved). */
  private static Backend failingAfterEpochOneParameters() {
    CpuBackend cpu = new CpuBackend();
    return new Backend() {
      @Override
      public String name() {
        return "cpu";
      }

      @Override
      public String description() {
        return "cpu that fails after saving";
      }

      @Override
      public Optional<String> unavailableReason() {
        return Optional.empty();
      }

      @Override
      public TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads) {
        TrainingEngine e = cpu.open(arch, data, cfg, threads);
        return new TrainingEngine() {
          @Override
          public String describe() {
            return e.describe();
          }

          @Override
          public RunOutcome train(int run, Strategy s, float[] a0, RandomGenerator rng, TrainingListener l) {
            return e.train(run, s, a0, rng, new TrainingListener() {
              @Override
              public void onEpoch(eqaug.train.EpochRecord record) {
                l.onEpoch(record);
              }

              @Override
              public boolean wantsParameters(int epoch) {
                return l.wantsParameters(epoch);
              }

              @Override
              public void onParameters(int epoch, double[] a) {
                l.onParameters(epoch, a);
                if (epoch == 1) {
                  throw new IllegalStateException("boom");
                }
              }
            });
          }

          @Override
          public void close() {
            e.close();
          }
        };
      }
    };
  }

  @Test
  void aFailureBeforeAnythingFinishedAlsoRemovesTheParameterFilesItWrote() {
    Path dir = tmp.resolve("p/early");
    assertThrows(IllegalStateException.class, () -> runSession(dir, failingAfterEpochOneParameters(), "0,1"));
    assertFalse(Files.exists(tmp.resolve("p")), "the parameter files and the folders the command made are gone");
    Path kept = tmp.resolve("kept");
    // A folder the user made stays, empty but for the lock: no params/ left in it.
    assertThrows(IllegalStateException.class, () -> {
      Files.createDirectories(kept);
      runSession(kept, failingAfterEpochOneParameters(), "0,1");
    });
    assertFalse(Files.exists(kept.resolve("params")));
  }

  @Test
  void aFailureLaterKeepsTheFinishedPartsAndSaysHowToResume() throws IOException {
    Path dir = tmp.resolve("late");
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    RuntimeException e = assertThrows(IllegalStateException.class, () -> runSession(dir, failingAt(4,
        new IllegalStateException(new java.io.UncheckedIOException(new IOException("No space left on device"))))));
    assertTrue(e.getMessage().contains("the disk is full") && e.getMessage().contains("--resume --out " + dir),
        e.getMessage());
    String cfg = Files.readString(dir.resolve("config.json"));
    assertTrue(cfg.contains("\"status\": \"failed: the disk is full"), cfg);
    assertTrue(Files.readString(dir.resolve("metrics.csv")).contains("1,NOMINAL,3,total"));
    CliTest.Result r = CliTest.run(with("--out", dir.toString(), "--resume"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("4 of 6"), r.out());
    assertTrue(Main.describeFailure(oom).startsWith("out of memory (Java heap space; the heap is "));
  }
}
