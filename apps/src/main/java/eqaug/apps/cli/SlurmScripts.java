package eqaug.apps.cli;

import eqaug.apps.experiments.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two sbatch scripts of a sharded job (issue 13): a job array with one task per shard that resumes its shard
 * folder when it exists and requeues itself on a signal before the time limit, and a merge job.
 */
final class SlurmScripts {
  /** What the scripts request and run; optional requests are null. */
  record Request(Path root, Path cwd, Path out, String command, List<String> options, int shards, Integer parallelism,
      String partition, String time, Integer cpusPerTask, String mem, Integer gpus, String account) {}

  private static final Pattern TIME = Pattern.compile(
      "(?:([0-9]+)-)?([0-9]+)(?::([0-9]+))?(?::([0-9]+))?");
  private static final Pattern MEM = Pattern.compile("[0-9]{1,12}[KMGT]?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,:+-]{1,128}");

  private SlurmScripts() {}

  /**
   * Seconds of a Slurm time limit: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
   * days-hours:minutes or days-hours:minutes:seconds (sbatch's --time forms); anything else is refused.
   */
  static long seconds(String time) {
    Matcher m = TIME.matcher(time);
    if (!m.matches()) {
      throw new UsageException("--time must be a Slurm time limit (minutes, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss), got '"
          + time + "'");
    }
    long a = Long.parseLong(m.group(2));
    Long b = m.group(3) == null ? null : Long.parseLong(m.group(3));
    Long c = m.group(4) == null ? null : Long.parseLong(m.group(4));
    long s;
    if (m.group(1) != null) { // days-hours[:minutes[:seconds]]
      s = Long.parseLong(m.group(1)) * 86400 + a * 3600 + (b == null ? 0 : b * 60) + (c == null ? 0 : c);
    } else if (c != null) {
      s = a * 3600 + b * 60 + c;
    } else if (b != null) {
      s = a * 60 + b;
    } else {
      s = a * 60;
    }
    if (s < 1 || (b != null && b > 59) || (c != null && c > 59)) {
      throw new UsageException("--time '" + time + "' is not a positive time limit");
    }
    return s;
  }

  /** Refuses a --mem sbatch would not take (an integer with an optional K, M, G or T). */
  static void checkMem(String mem) {
    if (!MEM.matcher(mem).matches()) {
      throw new UsageException("--mem must be a size such as 4000, 16G or 512M, got '" + mem + "'");
    }
  }

  /** Refuses a partition or account name that is not a plain Slurm name (it goes into a script). */
  static void checkName(String option, String value) {
    if (!NAME.matcher(value).matches()) {
      throw new UsageException(option + " must be a plain Slurm name (letters, digits, _ . , : + -), got '" + value + "'");
    }
  }

  /**
   * Seconds before the limit at which a task is told to stop: a tenth of the limit, between 10 s and 5 min
   * (Slurm may send it up to a minute early; the finished parts are on disk, so an early stop costs little).
   */
  static long warning(String time) {
    return time == null ? 300 : Math.max(10, Math.min(300, seconds(time) / 10));
  }

  /** The job array: task i runs shard i/n, with --resume when the shard's folder already holds results. */
  static String array(Request r) {
    StringBuilder s = new StringBuilder("#!/bin/bash\n");
    s.append("# eqaug slurm: ").append(r.command()).append(" in ").append(r.shards())
        .append(" shards (one array task each) into ").append(r.out()).append('\n');
    s.append("#SBATCH --job-name=eqaug-").append(r.command()).append('\n');
    s.append("#SBATCH --array=1-").append(r.shards());
    if (r.parallelism() != null) {
      s.append('%').append(r.parallelism());
    }
    s.append('\n');
    s.append("#SBATCH --requeue\n");
    s.append("#SBATCH --open-mode=append\n");
    s.append("#SBATCH --signal=B:USR1@").append(warning(r.time())).append('\n');
    s.append("#SBATCH --output=").append(r.out().resolve("slurm").resolve("logs")).append("/shard-%a-of-")
        .append(r.shards()).append(".out\n");
    requests(s, r, true);
    s.append("i=$SLURM_ARRAY_TASK_ID\n");
    s.append("shard=").append(quote(r.out().resolve("shards").toString())).append("/$i-of-").append(r.shards()).append('\n');
    s.append("# A requeued task goes on with what its shard folder holds (every finished part is on disk).\n");
    s.append("resume=()\n");
    s.append("for f in \"$shard\"/config.json \"$shard\"/shard.json \"$shard\"/*/config.json; do\n");
    s.append("  if [ -e \"$f\" ]; then resume=(--resume); fi\n");
    s.append("done\n");
    s.append("child=\n");
    s.append("stop_and_requeue() {\n");
    s.append("  echo \"eqaug slurm: shard $i/").append(r.shards())
        .append(": the time limit is near; stopping it and requeueing it\" >&2\n");
    s.append("  if [ -n \"$child\" ]; then kill -TERM \"$child\" 2>/dev/null; wait \"$child\"; fi\n");
    s.append("  scontrol requeue \"$SLURM_JOB_ID\"\n");
    s.append("  exit 0\n");
    s.append("}\n");
    s.append("trap stop_and_requeue USR1\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(quote(r.root().resolve("eqaug").toString()));
    cmd.add(r.command());
    for (String o : r.options()) {
      cmd.add(quote(o));
    }
    cmd.add("--shard");
    cmd.add("\"$i/" + r.shards() + "\"");
    cmd.add("--out");
    cmd.add(quote(r.out().toString()));
    cmd.add("\"${resume[@]}\"");
    s.append(String.join(" ", cmd)).append(" &\n");
    s.append("child=$!\n");
    s.append("wait \"$child\"\n");
    return s.toString();
  }

  /** The merge job: joins the shards once every array task has ended well. */
  static String merge(Request r) {
    StringBuilder s = new StringBuilder("#!/bin/bash\n");
    s.append("# eqaug slurm: merges the shards of ").append(r.out()).append(" after the job array\n");
    s.append("#SBATCH --job-name=eqaug-merge\n");
    s.append("#SBATCH --output=").append(r.out().resolve("slurm").resolve("logs")).append("/merge.out\n");
    requests(s, r, false);
    s.append("exec ").append(quote(r.root().resolve("eqaug").toString())).append(" merge ")
        .append(quote(r.out().toString())).append('\n');
    return s.toString();
  }

  private static void requests(StringBuilder s, Request r, boolean array) {
    s.append("#SBATCH --chdir=").append(r.cwd()).append('\n');
    if (r.partition() != null) {
      s.append("#SBATCH --partition=").append(r.partition()).append('\n');
    }
    if (r.account() != null) {
      s.append("#SBATCH --account=").append(r.account()).append('\n');
    }
    if (array) {
      if (r.time() != null) {
        s.append("#SBATCH --time=").append(r.time()).append('\n');
      }
      if (r.cpusPerTask() != null) {
        s.append("#SBATCH --cpus-per-task=").append(r.cpusPerTask()).append('\n');
      }
      if (r.mem() != null) {
        s.append("#SBATCH --mem=").append(r.mem()).append('\n');
      }
      if (r.gpus() != null) {
        s.append("#SBATCH --gpus=").append(r.gpus()).append('\n');
      }
    }
  }

  /** The word in single quotes for bash (a quote inside becomes '\''). */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
