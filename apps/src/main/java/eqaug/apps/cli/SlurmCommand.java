package eqaug.apps.cli;

import eqaug.apps.experiments.UsageException;
import eqaug.apps.results.WorkUnits;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * eqaug slurm: runs a command's shards as a Slurm job array and merges them in a job that depends on it (issue 13).
 * The inner command's options are checked by the command itself (with --list-units, which writes nothing).
 */
@Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Writes (and with --submit submits) a Slurm job array that runs COMMAND in shards, one array task per",
        "shard, and a merge job that joins them once all have ended well: into DIR/slurm/ of the command's --out DIR.",
        "Each task resumes its shard when it is requeued, and requeues itself shortly before the time limit.",
        "Example: eqaug slurm reproduce --scale paper --out results/paper --shards 100 --time 4:00:00 --submit"})
final class SlurmCommand implements Callable<Integer> {
  static final Set<String> COMMANDS = Set.of("perm", "trans", "rot", "reproduce");

  @Parameters(arity = "1..*", paramLabel = "COMMAND OPTIONS",
      description = "perm, trans, rot or reproduce, with its options (--out DIR required).")
  List<String> inner = new ArrayList<>();

  @Option(names = "--shards", paramLabel = "N", description = "Shards, one array task each (default: one per work unit, at most 1000).")
  String shards;

  @Option(names = "--partition", paramLabel = "P", description = "Slurm partition.")
  String partition;

  @Option(names = "--time", paramLabel = "T", description = "Time limit of each task (minutes, hh:mm:ss, d-hh:mm, ...).")
  String time;

  @Option(names = "--cpus-per-task", paramLabel = "C", description = "CPUs of each task (also the command's --threads unless it has one).")
  Integer cpusPerTask;

  @Option(names = "--mem", paramLabel = "M", description = "Memory of each task (e.g. 16G).")
  String mem;

  @Option(names = "--gpus", paramLabel = "G", description = "GPUs of each task; the command then trains with --device opencl.")
  Integer gpus;

  @Option(names = "--array-parallelism", paramLabel = "K", description = "At most K tasks at once.")
  Integer parallelism;

  @Option(names = "--account", paramLabel = "A", description = "Slurm account.")
  String account;

  @Option(names = "--submit", description = "Submit with sbatch and print the job ids (without it: print what would be submitted).")
  boolean submit;

  @Override
  public Integer call() throws Exception {
    SlurmScripts.Request r = request();
    Path dir = r.out().resolve("slurm");
    Path array = dir.resolve("array.sbatch");
    Path merge = dir.resolve("merge.sbatch");
    String sbatch = submit ? sbatch() : "sbatch";
    write(array, SlurmScripts.array(r));
    write(merge, SlurmScripts.merge(r));
    Files.createDirectories(dir.resolve("logs"));
    if (!submit) {
      System.out.println("wrote " + array + " (" + r.shards() + " shards) and " + merge + "; to submit:");
      System.out.println("sbatch --parsable " + array);
      System.out.println("sbatch --parsable --dependency=afterok:<array job id> " + merge);
      return 0;
    }
    String arrayId = submitJob(List.of(sbatch, "--parsable", array.toString()));
    String mergeId = submitJob(List.of(sbatch, "--parsable", "--dependency=afterok:" + arrayId, merge.toString()));
    System.out.println("array job " + arrayId + " (" + r.shards() + " shards)");
    System.out.println("merge job " + mergeId + " (after " + arrayId + ")");
    return 0;
  }

  /** Everything checked, nothing written: the scripts' content. */
  SlurmScripts.Request request() {
    if (!COMMANDS.contains(inner.get(0))) {
      throw new UsageException("COMMAND must be one of perm, trans, rot, reproduce, got '" + inner.get(0) + "'");
    }
    String command = inner.get(0);
    List<String> options = new ArrayList<>();
    Path out = null;
    boolean device = false;
    boolean threads = false;
    for (int i = 1; i < inner.size(); i++) {
      String a = inner.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      switch (name) {
        case "--shard", "--resume", "--list-units" ->
            throw new UsageException(name + " is chosen by the job array; leave it out");
        case "--save-params", "--init" ->
            throw new UsageException(name + " cannot be used in a job array yet (a merge would not carry the parameter "
                + "files); run the command without eqaug slurm");
        case "--out" -> {
          String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < inner.size() ? inner.get(++i) : null);
          if (v == null || v.isEmpty()) {
            throw new UsageException("--out needs a folder");
          }
          out = Path.of(v).toAbsolutePath().normalize();
          continue;
        }
        case "--device" -> device = true;
        case "--threads" -> threads = true;
        default -> { }
      }
      options.add(a);
    }
    if (out == null) {
      throw new UsageException("the command needs --out DIR, the job's folder every shard and the merge share");
    }
    if (out.toString().chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException("--out " + out + ": #SBATCH lines cannot hold a path with spaces; choose another folder");
    }
    positive("--cpus-per-task", cpusPerTask);
    positive("--gpus", gpus);
    positive("--array-parallelism", parallelism);
    if (time != null) {
      SlurmScripts.seconds(time);
    }
    if (mem != null) {
      SlurmScripts.checkMem(mem);
    }
    if (partition != null) {
      SlurmScripts.checkName("--partition", partition);
    }
    if (account != null) {
      SlurmScripts.checkName("--account", account);
    }
    if (gpus != null) {
      if (device) {
        throw new UsageException("--gpus trains with --device opencl; leave the command's --device out");
      }
      options.add("--device");
      options.add("opencl");
    }
    if (cpusPerTask != null && !threads) {
      options.add("--threads");
      options.add(String.valueOf(cpusPerTask));
    }
    int units = countUnits(command, options);
    int n;
    if (shards == null) {
      n = Math.min(units, 1000);
    } else {
      if (!shards.matches("[0-9]{1,6}") || Integer.parseInt(shards) < 1) {
        throw new UsageException("--shards must be a positive integer, got '" + shards + "'");
      }
      n = Integer.parseInt(shards);
      if (n > units) {
        throw new UsageException("--shards " + n + ": the command has only " + units + " work units; use at most that");
      }
    }
    // The shards' own check, made before anything is written: a folder of another split is refused.
    Shards.refuseOtherCounts(out, new WorkUnits.Shard(1, n));
    Path cwd = Path.of("").toAbsolutePath();
    if (cwd.toString().chars().anyMatch(Character::isWhitespace)) {
      throw new UsageException("the working folder " + cwd + " has spaces, which #SBATCH --chdir cannot hold");
    }
    return new SlurmScripts.Request(root(), cwd, out, command, List.copyOf(options), n, parallelism, partition, time,
        cpusPerTask, mem, gpus, account);
  }

  /** Runs the command with --list-units (it checks its options as a run would and writes nothing). */
  private static int countUnits(String command, List<String> options) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(options);
    args.add("--list-units");
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.execute(args.toArray(String[]::new));
    } finally {
      System.setOut(saved);
    }
    if (rc != 0) {
      throw new Refused(rc); // the command has printed its one line
    }
    return (int) buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(" MFLOP")).count();
  }

  /** The inner command refused its options and has said why; slurm exits with its code and says nothing more. */
  static final class Refused extends RuntimeException {
    final int code;

    Refused(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  private static void positive(String name, Integer v) {
    if (v != null && v < 1) {
      throw new UsageException(name + " must be a positive integer, got " + v);
    }
  }

  /** The project root: the folder of the eqaug launcher, from where this class was loaded (apps/target/...). */
  static Path root() {
    try {
      Path p = Path.of(SlurmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path q = p; q != null; q = q.getParent()) {
        if (Files.isRegularFile(q.resolve("eqaug")) && Files.isDirectory(q.resolve("apps"))) {
          return q;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the refusal
    }
    throw new UsageException("cannot find the eqaug launcher above the running jar; run eqaug slurm through ./eqaug");
  }

  /** sbatch from PATH, or a refusal before anything is written. */
  static String sbatch() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path p = Path.of(d.isEmpty() ? "." : d, "sbatch");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    throw new UsageException("--submit needs sbatch, which is not on PATH (run where Slurm is installed, or leave --submit out)");
  }

  private static String submitJob(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int rc = p.waitFor();
    String id = text.contains(";") ? text.substring(0, text.indexOf(';')) : text;
    if (rc != 0 || !id.matches("[0-9]+")) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + rc + ", output '" + text + "')");
    }
    return id;
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".sbatch");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
