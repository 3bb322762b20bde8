package eqaug.apps.cli;

import eqaug.apps.experiments.UsageException;
import eqaug.apps.results.Json;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.results.RunInfo;
import eqaug.apps.results.WorkUnits;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shards of one job in its folder DIR: DIR/shards/i-of-n per shard, each with shard.json (which command, which
 * units, where and how long it ran) next to the experiment files a normal run writes (issue 13).
 */
final class Shards {
  static final String MANIFEST = "shard.json";
  static final Pattern FOLDER = Pattern.compile("([0-9]+)-of-([0-9]+)");

  private Shards() {}

  /** The shard's own folder in the job folder. */
  static Path folder(Path job, WorkUnits.Shard shard) {
    return job.resolve("shards").resolve(shard.folder());
  }

  /** Refuses a job folder that holds shards of another count: their units were split another way. */
  static void refuseOtherCounts(Path job, WorkUnits.Shard shard) {
    Path dir = job.resolve("shards");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        Matcher m = FOLDER.matcher(p.getFileName().toString());
        if (m.matches() && !m.group(2).equals(String.valueOf(shard.count()))) {
          throw new UsageException("--shard " + shard + ": " + job + " holds shard " + p.getFileName() + " of a job split "
              + m.group(2) + " ways; use --shard i/" + m.group(2) + " or another --out");
        }
      }
    } catch (IOException e) {
      throw new UsageException("cannot read " + dir + ": " + e.getMessage());
    }
  }

  /** Refuses a shard folder that already holds a shard (unless it is resumed). */
  static void refuseExisting(Path dir, boolean resume) {
    if (!resume && Files.exists(dir.resolve(MANIFEST))) {
      throw new UsageException("--out " + dir + " already holds results (" + MANIFEST
          + "); choose another --out so they are not overwritten, or add --resume to continue them");
    }
  }

  /** Seconds a resumed shard had run before (its shard.json's), or 0. */
  static double priorSeconds(Path dir, boolean resume) {
    if (!resume || !Files.isRegularFile(dir.resolve(MANIFEST))) {
      return 0;
    }
    try {
      if (Json.read(Files.readString(dir.resolve(MANIFEST))) instanceof Map<?, ?> m
          && m.get("seconds") instanceof Number n) {
        return n.doubleValue();
      }
    } catch (IOException | RuntimeException e) {
      // unreadable: the merge will refuse it; here it only costs the earlier time in the provenance
    }
    return 0;
  }

  /** This machine's name, as a shard's provenance records it. */
  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "unknown" : env;
    }
  }

  /** shard.json: the command, the shard, its units, its status, and where and how long it ran. */
  static void writeManifest(ResultsFolder folder, String command, WorkUnits.Shard shard, List<WorkUnits.Unit> units,
      int threads, String started, double seconds, String status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("index", shard.index());
    s.put("count", shard.count());
    m.put("shard", s);
    m.put("status", status);
    m.put("units", units.stream().map(WorkUnits.Unit::id).toList());
    m.put("host", host());
    m.put("jvm", RunInfo.jvm());
    m.put("threads", threads);
    m.put("started", started);
    m.put("seconds", seconds);
    ExperimentSession.write(folder, MANIFEST, Json.write(m));
  }
}
