package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.experiments.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: `eqaug slurm` writes a job array of shards (resuming, requeueing themselves before the time limit) and
 * a merge job after it; bad input is refused in one line with exit code 2 and nothing written. Submitting to a
 * real cluster is scripts/slurm-test's part.
 */
class SlurmCommandTest {
  private static final String[] PERM = {"slurm", "perm", "--runs", "2", "--epochs", "2", "--samples", "40", "-q"};

  @TempDir
  Path tmp;

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void writesTheArrayAndTheMergeScripts() throws IOException {
    Path job = tmp.resolve("job");
    CliTest.Result r = CliTest.run(with(PERM, "--out", job.toString(), "--shards", "3", "--time", "1:00:00",
        "--array-parallelism", "2", "--partition", "short", "--mem", "4G", "--cpus-per-task", "2", "--account", "lab"));
    assertEquals(0, r.code(), r.err());
    Path dir = job.toAbsolutePath().resolve("slurm");
    String array = Files.readString(dir.resolve("array.sbatch"));
    String merge = Files.readString(dir.resolve("merge.sbatch"));
    assertTrue(array.contains("#SBATCH --array=1-3%2\n"), array);
    assertTrue(array.contains("#SBATCH --requeue\n"), array);
    assertTrue(array.contains("#SBATCH --signal=B:USR1@300\n"), array); // a tenth of the hour, at most 5 minutes
    assertTrue(array.contains("#SBATCH --time=1:00:00\n#SBATCH --cpus-per-task=2\n#SBATCH --mem=4G\n"), array);
    assertTrue(array.contains("#SBATCH --partition=short\n#SBATCH --account=lab\n"), array);
    assertTrue(array.contains("trap stop_and_requeue USR1") && array.contains("scontrol requeue \"$SLURM_JOB_ID\""), array);
    Path launcher = SlurmCommand.root().resolve("eqaug");
    assertTrue(launcher.isAbsolute() && Files.isExecutable(launcher), launcher.toString());
    assertTrue(array.contains("'" + launcher + "' perm '--runs' '2' '--epochs' '2' '--samples' '40' '-q' '--threads' '2'"
        + " --shard \"$i/3\" --out '" + job.toAbsolutePath() + "' \"${resume[@]}\" &"), array);
    assertTrue(merge.contains("exec '" + launcher + "' merge '" + job.toAbsolutePath() + "'"), merge);
    assertFalse(merge.contains("--array") || merge.contains("--time"), merge);
    assertTrue(Files.isDirectory(dir.resolve("logs")));
    assertTrue(r.out().contains("sbatch --parsable " + dir.resolve("array.sbatch")), r.out());
    assertTrue(r.out().contains("sbatch --parsable --dependency=afterok:<array job id> " + dir.resolve("merge.sbatch")),
        r.out());
    assertFalse(Files.exists(job.resolve("shards")), "nothing is trained without Slurm");
  }

  @Test
  void aTaskResumesItsShardOnlyWhenItHoldsResults() throws IOException, InterruptedException {
    Path job = tmp.resolve("job");
    assertEquals(0, CliTest.run(with(PERM, "--out", job.toString(), "--shards", "2")).code());
    String array = Files.readString(job.resolve("slurm").resolve("array.sbatch"));
    // The script's choice, run by bash with the training command replaced by an echo of its last arguments.
    String probe = array.substring(array.indexOf("i=$SLURM_ARRAY_TASK_ID"), array.indexOf("child=\n"))
        + "echo \"resume=${resume[*]}\"\n";
    assertEquals("resume=", bash(probe, 1));
    Files.createDirectories(job.resolve("shards/1-of-2"));
    assertEquals("resume=", bash(probe, 1), "an empty shard folder starts afresh");
    Files.writeString(job.resolve("shards/1-of-2/config.json"), "{}");
    assertEquals("resume=--resume", bash(probe, 1));
    assertEquals("resume=", bash(probe, 2), "shard 2 has not run");
  }

  private String bash(String script, int task) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    pb.environment().put("SLURM_ARRAY_TASK_ID", String.valueOf(task));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void gpusRequestOpenCl() throws IOException {
    Path job = tmp.resolve("job");
    CliTest.Result r = CliTest.run(with(PERM, "--out", job.toString(), "--shards", "2", "--gpus", "1"));
    assertEquals(0, r.code(), r.err());
    String array = Files.readString(job.resolve("slurm").resolve("array.sbatch"));
    assertTrue(array.contains("#SBATCH --gpus=1\n") && array.contains("'--device' 'opencl'"), array);
  }

  @Test
  void slurmTimeLimits() {
    assertEquals(5400, SlurmScripts.seconds("90"));
    assertEquals(90, SlurmScripts.seconds("1:30"));
    assertEquals(7200, SlurmScripts.seconds("2:00:00"));
    assertEquals(93600, SlurmScripts.seconds("1-2"));
    assertEquals(88200, SlurmScripts.seconds("1-0:30"));
    assertEquals(86405, SlurmScripts.seconds("1-0:0:5"));
    for (String bad : new String[] {"1h", "abc", "1:61", "0", "-5", "1:2:3:4", ""}) {
      assertThrows(UsageException.class, () -> SlurmScripts.seconds(bad), bad);
    }
    assertEquals(10, SlurmScripts.warning("1"));
    assertEquals(60, SlurmScripts.warning("10"));
  }

  @Test
  void badInputIsRefusedInOneLineAndNothingIsWritten() throws IOException {
    Path job = tmp.resolve("job");
    String out = job.toString();
    String[][] cases = {
        with(PERM, "--out", out, "--time", "1h"),
        with(PERM, "--out", out, "--mem", "4GB"),
        with(PERM, "--out", out, "--shards", "0"),
        with(PERM, "--out", out, "--shards", "x"),
        with(PERM, "--out", out, "--shards", "7"), // perm here has 6 work units
        with(PERM, "--out", out, "--partition", "a b"),
        with(PERM, "--out", out, "--cpus-per-task", "0"),
        with(PERM),
        with(PERM, "--out", out, "--shard", "1/2"),
        with(PERM, "--out", out, "--resume"),
        with(PERM, "--out", out, "--runs", "0"),
        with(PERM, "--out", out, "--device", "cpu", "--gpus", "1"),
        {"slurm", "bench", "--out", out},
    };
    for (String[] c : cases) {
      CliTest.Result r = CliTest.run(c);
      assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("WARNING")).count(),
          String.join(" ", c) + ": " + r.err());
      assertFalse(Files.exists(job), String.join(" ", c));
    }
  }

  @Test
  void aJobFolderOfAnotherShardCountIsRefused() throws IOException {
    Path job = tmp.resolve("job");
    Files.createDirectories(job.resolve("shards/1-of-2"));
    CliTest.Result r = CliTest.run(with(PERM, "--out", job.toString(), "--shards", "3"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("split 2 ways"), r.err());
    assertFalse(Files.exists(job.resolve("slurm")));
  }
}
