package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.results.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a command split by --shard i/n into work units trained separately, and `eqaug merge` joining them into
 * the very bytes one machine writes; interrupted shards resume, and shards that do not make one job are refused.
 */
class ShardTest {
  private static final String[] PERM = {"perm", "--runs", "2", "--epochs", "3", "--samples", "60", "--naug", "2", "-q"};
  private static final String[] REPRODUCE = {"reproduce", "--runs", "2", "--epochs", "2", "--samples", "40", "--naug",
      "2", "--dataset", "fashion", "-q"};

  @TempDir
  Path tmp;

  private static String[] with(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  private static void ok(CliTest.Result r) {
    assertEquals(0, r.code(), r.err());
  }

  /** Every shard of an n-way split run into job. */
  private static void runShards(String[] cmd, Path job, int n) {
    for (int i = 1; i <= n; i++) {
      ok(CliTest.run(with(cmd, "--shard", i + "/" + n, "--out", job.toString())));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Path p) throws IOException {
    return (Map<String, Object>) Json.read(Files.readString(p));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else if (!p.getFileName().toString().equals(".eqaug.lock")) {
          Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void listUnitsPrintsEveryUnitWithItsCostAndWritesNothing() {
    Path out = tmp.resolve("never");
    CliTest.Result r = CliTest.run(with(PERM, "--list-units", "--out", out.toString()));
    ok(r);
    List<String> lines = r.out().lines().toList();
    assertEquals(7, lines.size(), r.out());
    assertEquals("perm/run000/NOMINAL", lines.get(0).split(" ")[0]);
    assertEquals("perm/run001/EQUIVARIANT", lines.get(5).split(" ")[0]);
    long nominal = Long.parseLong(lines.get(0).split(" ")[1]);
    long augmented = Long.parseLong(lines.get(1).split(" ")[1]);
    assertTrue(augmented > nominal, "N_aug passes make an AUGMENTED unit dearer: " + r.out());
    assertTrue(lines.get(6).startsWith("6 units, " + (4 * nominal + 2 * augmented) + " MFLOP"), lines.get(6));
    assertFalse(Files.exists(out));
    CliTest.Result mine = CliTest.run(with(PERM, "--list-units", "--shard", "2/3", "--out", out.toString()));
    ok(mine);
    assertEquals("perm/run001/AUGMENTED " + augmented + " MFLOP", mine.out().lines().findFirst().orElseThrow(),
        "the second dearest unit goes to shard 2 of 3: " + mine.out());
    assertFalse(Files.exists(out));
    CliTest.Result all = CliTest.run(with(REPRODUCE, "--list-units"));
    ok(all);
    assertTrue(all.out().contains("perm/run001/AUGMENTED ") && all.out().contains("trans/run000/NOMINAL ")
        && all.out().contains("rot/run001/EQUIVARIANT ") && all.out().contains("18 units,"), all.out());
  }

  @Test
  void permShardsMergeIntoTheSingleMachineBytes() throws IOException {
    Path whole = tmp.resolve("whole");
    ok(CliTest.run(with(PERM, "--out", whole.toString())));
    Path job = tmp.resolve("job");
    runShards(PERM, job, 3);
    // Cost-balanced and disjoint: each shard holds at least one unit, all six are held once.
    List<String> units = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      List<?> mine = (List<?>) json(job.resolve("shards/" + i + "-of-3/shard.json")).get("units");
      assertFalse(mine.isEmpty());
      mine.forEach(u -> units.add((String) u));
      assertFalse(Files.exists(job.resolve("shards/" + i + "-of-3/figure.png")), "a shard draws no partial figure");
    }
    assertEquals(6, units.size());
    assertEquals(6, units.stream().distinct().count());
    assertFalse(Files.exists(job.resolve("metrics.csv")));
    ok(CliTest.run("merge", job.toString()));
    assertEquals(Files.readString(whole.resolve("metrics.csv")), Files.readString(job.resolve("metrics.csv")));
    assertEquals(Files.readString(whole.resolve("figure.svg")), Files.readString(job.resolve("figure.svg")));
    Map<String, Object> cfg = json(job.resolve("config.json"));
    Map<String, Object> single = json(whole.resolve("config.json"));
    for (String key : new String[] {"experiment", "parameters", "numerics", "data", "network", "initial_norms", "parts",
        "diverged"}) {
      assertEquals(Json.write(single.get(key)), Json.write(cfg.get(key)), key);
    }
    assertEquals("complete", cfg.get("status"));
    List<?> shards = (List<?>) cfg.get("shards");
    assertEquals(3, shards.size());
    Map<?, ?> first = (Map<?, ?>) shards.get(0);
    assertTrue(first.get("host") != null && first.get("jvm") != null && first.get("threads") != null
        && first.get("seconds") instanceof Number, first.toString());
    // The merged folder is a normal one: --resume finds it complete.
    CliTest.Result again = CliTest.run(with(PERM, "--out", job.toString(), "--resume"));
    ok(again);
    assertTrue(again.out().contains("is complete"), again.out());
  }

  @Test
  void reproduceShardsMergeIntoEveryExperimentsBytesAndAReport() throws IOException {
    Path whole = tmp.resolve("whole");
    ok(CliTest.run(with(REPRODUCE, "--out", whole.toString())));
    Path job = tmp.resolve("job");
    runShards(REPRODUCE, job, 3);
    ok(CliTest.run("merge", job.toString()));
    for (String e : new String[] {"perm", "trans", "rot"}) {
      assertEquals(Files.readString(whole.resolve(e + "/metrics.csv")), Files.readString(job.resolve(e + "/metrics.csv")),
          e);
      assertTrue(Files.exists(job.resolve(e + "/figure.png")), e);
      assertEquals(3, ((List<?>) json(job.resolve(e + "/config.json")).get("shards")).size());
    }
    String report = Files.readString(job.resolve("report.md"));
    assertTrue(report.contains("figure") && !report.contains("still running or was interrupted"), report);
    assertEquals(3, ((List<?>) json(job.resolve("config.json")).get("shards")).size());
  }

  /** Cuts a shard's experiment folder after its first {@code parts} parts, as an interrupted shard leaves it. */
  private static void cutShard(Path shardDir, Path expDir, int parts) throws IOException {
    List<String> lines = Files.readAllLines(expDir.resolve("metrics.csv"));
    List<String> kept = new ArrayList<>(List.of(lines.get(0)));
    List<String> seen = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      if (!seen.contains(f[0] + "," + f[1])) {
        seen.add(f[0] + "," + f[1]);
        if (seen.size() <= parts && !runs.contains(f[0])) {
          runs.add(f[0]);
        }
      }
      if (seen.size() <= parts) {
        kept.add(l);
      }
    }
    Files.write(expDir.resolve("metrics.csv"), kept);
    Map<String, Object> cfg = json(expDir.resolve("config.json"));
    cfg.put("status", "partial: interrupted after the runs in metrics.csv");
    cfg.put("parts", new ArrayList<>(((List<?>) cfg.get("parts")).subList(0, parts)));
    cfg.put("initial_norms", new ArrayList<>(((List<?>) cfg.get("initial_norms")).subList(0, runs.size())));
    Files.writeString(expDir.resolve("config.json"), Json.write(cfg));
    Map<String, Object> manifest = json(shardDir.resolve("shard.json"));
    manifest.put("status", "running");
    Files.writeString(shardDir.resolve("shard.json"), Json.write(manifest));
  }

  @Test
  void anInterruptedShardIsResumedAndTheMergeStillEqualsOneMachine() throws IOException {
    Path whole = tmp.resolve("whole");
    ok(CliTest.run(with(PERM, "--out", whole.toString())));
    Path job = tmp.resolve("job");
    runShards(PERM, job, 3);
    Path shard = job.resolve("shards/3-of-3");
    assertEquals(3, ((List<?>) json(shard.resolve("shard.json")).get("units")).size());
    cutShard(shard, shard, 1);
    EndToEndTest.assertOneLineError(CliTest.run("merge", job.toString()), "shard 3/3 is not finished");
    assertFalse(Files.exists(job.resolve("metrics.csv")));
    CliTest.Result r = CliTest.run(with(PERM, "--shard", "3/3", "--out", job.toString(), "--resume"));
    ok(r);
    assertTrue(r.out().contains("Resuming " + shard + ": 1 of 3"), r.out());
    ok(CliTest.run("merge", job.toString()));
    assertEquals(Files.readString(whole.resolve("metrics.csv")), Files.readString(job.resolve("metrics.csv")));
  }

  @Test
  void aReproductionShardIsResumedInsideAnExperiment() throws IOException {
    Path whole = tmp.resolve("whole");
    ok(CliTest.run(with(REPRODUCE, "--out", whole.toString())));
    Path job = tmp.resolve("job");
    runShards(REPRODUCE, job, 3);
    Path shard = job.resolve("shards/2-of-3");
    Path exp = null;
    for (String e : new String[] {"perm", "trans", "rot"}) {
      Path p = shard.resolve(e);
      if (Files.exists(p) && ((List<?>) json(p.resolve("config.json")).get("parts")).size() >= 2) {
        exp = p;
      }
    }
    assertTrue(exp != null, "with 18 units in 3 shards, some experiment has two parts in shard 2");
    cutShard(shard, exp, 1);
    ok(CliTest.run(with(REPRODUCE, "--shard", "2/3", "--out", job.toString(), "--resume")));
    ok(CliTest.run("merge", job.toString()));
    for (String e : new String[] {"perm", "trans", "rot"}) {
      assertEquals(Files.readString(whole.resolve(e + "/metrics.csv")), Files.readString(job.resolve(e + "/metrics.csv")),
          e);
    }
  }

  @Test
  void malformedOrOutOfRangeShardsAreRefusedBeforeAnythingIsWritten() {
    Path out = tmp.resolve("o");
    for (String bad : new String[] {"0/3", "4/3", "1/0", "x", "1/3/2", "-1/3", ""}) {
      EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--shard", bad, "--out", out.toString())), "--shard");
      EndToEndTest.assertNothingLeft(out);
    }
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--shard", "7/7", "--out", out.toString())),
        "only 6 work units");
    EndToEndTest.assertNothingLeft(out);
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--shard", "1/2")), "--shard needs --out");
  }

  @Test
  void shardsThatDoNotMakeOneJobAreNamedAndNothingIsMerged() throws IOException {
    Path job = tmp.resolve("job");
    runShards(PERM, job, 3);
    Path spare = tmp.resolve("spare");
    copy(job, spare);

    // A shard of another count, when it is run and when it is merged.
    EndToEndTest.assertOneLineError(CliTest.run(with(PERM, "--shard", "1/2", "--out", job.toString())),
        "split 3 ways");
    assertFalse(Files.exists(job.resolve("shards/1-of-2")));
    Path mixed = tmp.resolve("mixed");
    copy(spare, mixed);
    copy(spare.resolve("shards/1-of-3"), mixed.resolve("shards/1-of-2"));
    EndToEndTest.assertOneLineError(CliTest.run("merge", mixed.toString()), "different counts");

    // A missing shard.
    Path missing = tmp.resolve("missing");
    copy(spare, missing);
    deleteTree(missing.resolve("shards/2-of-3"));
    EndToEndTest.assertOneLineError(CliTest.run("merge", missing.toString()), "shard 2/3 missing");

    // A duplicated shard: shard 1's folder copied over shard 2's.
    Path dup = tmp.resolve("dup");
    copy(spare, dup);
    deleteTree(dup.resolve("shards/2-of-3"));
    copy(spare.resolve("shards/1-of-3"), dup.resolve("shards/2-of-3"));
    EndToEndTest.assertOneLineError(CliTest.run("merge", dup.toString()), "duplicated shard");
    // ... and one whose manifest claims another's units.
    Path claim = tmp.resolve("claim");
    copy(spare, claim);
    Map<String, Object> m1 = json(claim.resolve("shards/1-of-3/shard.json"));
    Map<String, Object> m2 = json(claim.resolve("shards/2-of-3/shard.json"));
    m2.put("units", m1.get("units"));
    Files.writeString(claim.resolve("shards/2-of-3/shard.json"), Json.write(m2));
    EndToEndTest.assertOneLineError(CliTest.run("merge", claim.toString()), "is in shard 1/3 and in shard 2/3");

    // A damaged part: one digit changed in a shard's metrics.csv.
    Path damaged = tmp.resolve("damaged");
    copy(spare, damaged);
    Path csv = damaged.resolve("shards/3-of-3/metrics.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    String row = lines.get(2);
    int comma = row.lastIndexOf(',');
    char c = row.charAt(comma - 1);
    lines.set(2, row.substring(0, comma - 1) + (c == '1' ? '2' : '1') + row.substring(comma));
    Files.write(csv, lines);
    EndToEndTest.assertOneLineError(CliTest.run("merge", damaged.toString()),
        "shard 3/3: " + csv + ": run ");

    // Shards of another protocol in the same job.
    Path other = tmp.resolve("other");
    copy(spare, other);
    deleteTree(other.resolve("shards/2-of-3"));
    ok(CliTest.run("perm", "--runs", "2", "--epochs", "4", "--samples", "60", "--naug", "2", "-q", "--shard", "2/3",
        "--out", other.toString()));
    EndToEndTest.assertOneLineError(CliTest.run("merge", other.toString()), "differ in their parameters");

    for (Path p : new Path[] {mixed, missing, dup, claim, damaged, other}) {
      for (String f : new String[] {"metrics.csv", "config.json", "figure.png"}) {
        assertFalse(Files.exists(p.resolve(f)), "a refused merge writes nothing: " + p.resolve(f));
      }
    }
    // The untouched copy still merges.
    ok(CliTest.run("merge", spare.toString()));
    EndToEndTest.assertOneLineError(CliTest.run("merge", spare.toString()), "already holds results");
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
