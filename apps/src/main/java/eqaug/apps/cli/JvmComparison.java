package eqaug.apps.cli;

import eqaug.apps.results.Json;
import eqaug.apps.experiments.MnistSource;
import eqaug.apps.experiments.UsageException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --jvm}: the benchmark under several JVMs, each in a child process that runs this same jar with
 * the same bench options and {@code --json}, gathered into one side-by-side table with ratios to the first
 * JVM (the design card's "performance comparisons across JVMs"). The children run one after another, so
 * they do not compete for the cores.
 */
final class JvmComparison {
  private JvmComparison() {}

  static final int MIN_RELEASE = 17;

  /** A java launcher that answered: its real path and feature release. */
  record Jvm(Path java, int release) {}

  /**
   * The JVMs the --jvm values name, in that order; "all" stands for every JDK 17 or newer found here
   * ({@link #candidates}), oldest release first. A directory stands for its bin/java. Deduplicated by real
   * path. Everything is checked before any benchmark runs: a bad value is refused in one line.
   */
  static List<Jvm> resolve(List<String> values) {
    List<Jvm> out = new ArrayList<>();
    for (String v : values) {
      List<Jvm> add = new ArrayList<>();
      if (v.equals("all")) {
        for (Path p : candidates()) {
          Jvm j = probe(p);
          if (j != null && j.release() >= MIN_RELEASE) {
            add.add(j);
          }
        }
        add.sort(Comparator.comparingInt(Jvm::release).thenComparing(j -> j.java().toString()));
        if (add.isEmpty()) {
          throw new UsageException("--jvm all: no Java " + MIN_RELEASE + " or newer found under JAVA_HOME, PATH, "
              + "/usr/lib/jvm or /opt");
        }
      } else {
        Path p = Path.of(v);
        if (Files.isDirectory(p)) {
          p = p.resolve("bin").resolve("java");
        }
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
          throw new UsageException("--jvm " + v + ": not an executable java (give the java launcher or a JDK folder)");
        }
        Jvm j = probe(p);
        if (j == null) {
          throw new UsageException("--jvm " + v + ": does not run as a java launcher (java -version gave no release)");
        }
        if (j.release() < MIN_RELEASE) {
          throw new UsageException("--jvm " + v + " is Java " + j.release() + "; eqaug needs Java " + MIN_RELEASE
              + " or newer");
        }
        add.add(j);
      }
      for (Jvm j : add) {
        if (out.stream().noneMatch(o -> o.java().equals(j.java()))) {
          out.add(j);
        }
      }
    }
    return out;
  }

  /** Where a JDK may be, most explicit first, as scripts/java.sh looks: JAVA_HOME, PATH, /usr/lib/jvm, /opt. */
  static List<Path> candidates() {
    List<Path> out = new ArrayList<>();
    String home = System.getenv("JAVA_HOME");
    if (home != null && !home.isEmpty()) {
      out.add(Path.of(home, "bin", "java"));
    }
    String onPath = MnistSource.findOnPath("java");
    if (onPath != null) {
      out.add(Path.of(onPath));
    }
    glob(out, Path.of("/usr/lib/jvm"), "*");
    glob(out, Path.of("/opt/java"), "*");
    glob(out, Path.of("/opt"), "*jdk*");
    out.removeIf(p -> !Files.isRegularFile(p) || !Files.isExecutable(p));
    return out;
  }

  private static void glob(List<Path> out, Path dir, String pattern) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, pattern)) {
      s.forEach(d -> found.add(d.resolve("bin").resolve("java")));
    } catch (IOException e) {
      return; // an unreadable folder holds no JDK we can use
    }
    found.sort(null);
    out.addAll(found);
  }

  /** Runs {@code java -XshowSettings:properties -version}; null when it does not answer with a release. */
  static Jvm probe(Path java) {
    Path real;
    try {
      real = java.toRealPath();
    } catch (IOException e) {
      return null;
    }
    String text;
    try {
      Process p = new ProcessBuilder(real.toString(), "-XshowSettings:properties", "-version")
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("java.specification.version = ")) {
        String v = l.substring("java.specification.version = ".length()).strip();
        if (v.startsWith("1.")) {
          v = v.substring(2); // 1.8 is Java 8
        }
        int dot = v.indexOf('.');
        try {
          return new Jvm(real, Integer.parseInt(dot < 0 ? v : v.substring(0, dot)));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * The command that runs this program's bench under {@code java}: this jar with -jar when the program runs
   * from one (so its manifest applies), else this class path (tests, an IDE).
   */
  static List<String> command(Jvm jvm, List<String> benchArgs) {
    List<String> cmd = new ArrayList<>(List.of(jvm.java().toString(),
        "-Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m", "--add-modules", "jdk.incubator.vector"));
    String cp = System.getProperty("java.class.path", "");
    if (!cp.contains(File.pathSeparator) && cp.endsWith(".jar")) {
      cmd.addAll(List.of("-jar", cp));
    } else {
      cmd.addAll(List.of("-cp", cp, Main.class.getName()));
    }
    cmd.add("bench");
    cmd.addAll(benchArgs);
    return cmd;
  }

  /** The bench's JSON from a child running under {@code jvm}; a failed child is refused in one line. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> run(Jvm jvm, List<String> benchArgs) {
    String what = "bench under " + jvm.java() + " (Java " + jvm.release() + ")";
    Path errFile = null;
    try {
      errFile = Files.createTempFile("eqaug-bench-jvm", ".err");
      Process p = new ProcessBuilder(command(jvm, benchArgs)).redirectError(errFile.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      if (code != 0) {
        throw new UsageException(what + " failed with exit code " + code + lastLine(errFile));
      }
      Object parsed;
      try {
        parsed = Json.read(out);
      } catch (IllegalArgumentException e) {
        throw new UsageException(what + " printed no JSON (" + e.getMessage() + ")" + lastLine(errFile));
      }
      if (!(parsed instanceof Map<?, ?> m) || !(m.get("gemm") instanceof List) || !(m.get("epochs") instanceof List)) {
        throw new UsageException(what + " printed JSON without \"gemm\" and \"epochs\"");
      }
      return (Map<String, Object>) parsed;
    } catch (IOException e) {
      throw new UsageException(what + " could not be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageException(what + " was interrupted");
    } finally {
      if (errFile != null) {
        try {
          Files.deleteIfExists(errFile);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  /** ": " and the child's last message on stderr (not the JVM's incubator warning), or nothing. */
  private static String lastLine(Path errFile) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(errFile, StandardCharsets.UTF_8));
    lines.removeIf(l -> l.isBlank() || l.contains("Using incubator modules"));
    return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1).strip();
  }

  /**
   * The side-by-side result: per JVM its launcher, release, vendor and version (as the child reported
   * them); per product GFLOP/s, per experiment and strategy seconds per epoch and per pass, one value per
   * JVM in the JVMs' order, each with its ratio to the first JVM's.
   */
  static Map<String, Object> compare(List<Jvm> jvms, List<Map<String, Object>> results, int threads, boolean quick) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", threads);
    m.put("quick", quick);
    m.put("ratio", "each JVM's figure divided by the first JVM's (GFLOP/s: higher is faster; seconds: lower is)");
    List<Object> js = new ArrayList<>();
    for (int i = 0; i < jvms.size(); i++) {
      Map<String, Object> r = results.get(i);
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("java", jvms.get(i).java().toString());
      j.put("release", jvms.get(i).release());
      j.put("vendor", r.get("java_vendor"));
      j.put("version", r.get("java_version"));
      js.add(j);
    }
    m.put("jvms", js);
    m.put("gemm", rows(results, "gemm", List.of("experiment", "layer", "product", "m", "k", "n"),
        List.of("gflops")));
    m.put("epochs", rows(results, "epochs", List.of("experiment", "strategy", "note"),
        List.of("seconds", "pass_seconds")));
    return m;
  }

  /** Row i of every JVM's list side by side: the key fields once, each value field as a list over JVMs. */
  private static List<Object> rows(List<Map<String, Object>> results, String list, List<String> keys,
      List<String> values) {
    List<?> first = (List<?>) results.get(0).get(list);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      Map<?, ?> base = (Map<?, ?>) first.get(i);
      Map<String, Object> row = new LinkedHashMap<>();
      for (String k : keys) {
        row.put(k, base.get(k));
      }
      for (String v : values) {
        List<Object> each = new ArrayList<>();
        List<Object> ratio = new ArrayList<>();
        for (Map<String, Object> r : results) {
          List<?> l = (List<?>) r.get(list);
          Map<?, ?> x = i < l.size() ? (Map<?, ?>) l.get(i) : Map.of();
          for (String k : keys) {
            if (!String.valueOf(base.get(k)).equals(String.valueOf(x.get(k)))) {
              throw new UsageException("the JVMs' benchmarks measured different " + list + " rows (" + k + " "
                  + base.get(k) + " against " + x.get(k) + "); were they given the same jar?");
            }
          }
          Number n = (Number) x.get(v);
          each.add(n);
          double b = ((Number) base.get(v)).doubleValue();
          ratio.add(b == 0 ? null : Math.round(n.doubleValue() / b * 1000) / 1000.0);
        }
        row.put(v, each);
        row.put(v + "_ratio", ratio);
      }
      out.add(row);
    }
    return out;
  }

  /** The comparison as tables: a header naming each JVM, then products and epochs, one column per JVM. */
  static void print(Map<String, Object> cmp, PrintStream out) {
    List<?> jvms = (List<?>) cmp.get("jvms");
    int n = jvms.size();
    out.printf("eqaug bench on %d JVM%s, %s thread%s%s; ratio = figure / [1]'s%n", n, n == 1 ? "" : "s",
        cmp.get("threads"), Integer.valueOf(1).equals(cmp.get("threads")) ? "" : "s",
        Boolean.TRUE.equals(cmp.get("quick")) ? ", quick" : "");
    for (int i = 0; i < n; i++) {
      Map<?, ?> j = (Map<?, ?>) jvms.get(i);
      out.printf("  [%d] %s %s (Java %s)  %s%n", i + 1, j.get("vendor"), j.get("version"), j.get("release"), j.get("java"));
    }
    out.println();
    out.println("Matrix products, GFLOP/s (higher is faster):");
    StringBuilder head = new StringBuilder(String.format("  %-6s %-7s %-12s %6s %6s %6s", "exp", "layer", "product", "m",
        "k", "n"));
    columns(head, n);
    out.println(head);
    for (Object o : (List<?>) cmp.get("gemm")) {
      Map<?, ?> r = (Map<?, ?>) o;
      StringBuilder line = new StringBuilder(String.format("  %-6s %-7s %-12s %6s %6s %6s", r.get("experiment"),
          r.get("layer"), r.get("product"), r.get("m"), r.get("k"), r.get("n")));
      values(line, (List<?>) r.get("gflops"), (List<?>) r.get("gflops_ratio"), "%10.1f");
      out.println(line);
    }
    out.println();
    out.println("Seconds per epoch and per pass (lower is faster; AUGMENTED: N_aug 25 passes an epoch):");
    head = new StringBuilder(String.format("  %-6s %-12s %-6s", "exp", "strategy", ""));
    columns(head, n);
    out.println(head);
    for (Object o : (List<?>) cmp.get("epochs")) {
      Map<?, ?> r = (Map<?, ?>) o;
      for (String what : new String[] {"seconds", "pass_seconds"}) {
        StringBuilder line = new StringBuilder(String.format("  %-6s %-12s %-6s", r.get("experiment"), r.get("strategy"),
            what.equals("seconds") ? "epoch" : "pass"));
        values(line, (List<?>) r.get(what), (List<?>) r.get(what + "_ratio"), "%10.3f");
        out.println(line);
      }
    }
    List<String> notes = new ArrayList<>();
    for (Object o : (List<?>) cmp.get("epochs")) {
      String note = ((Map<?, ?>) o).get("experiment") + ": " + ((Map<?, ?>) o).get("note");
      if (!notes.contains(note)) {
        notes.add(note);
      }
    }
    out.println("  (" + String.join("; ", notes) + ")");
  }

  private static void columns(StringBuilder sb, int n) {
    for (int i = 1; i <= n; i++) {
      sb.append(String.format(" %10s", "[" + i + "]"));
    }
    for (int i = 2; i <= n; i++) {
      sb.append(String.format(" %8s", "[" + i + "]/[1]"));
    }
  }

  private static void values(StringBuilder sb, List<?> values, List<?> ratios, String format) {
    for (Object v : values) {
      sb.append(' ').append(String.format(format, ((Number) v).doubleValue()));
    }
    for (int i = 1; i < ratios.size(); i++) {
      Object r = ratios.get(i);
      sb.append(' ').append(r == null ? String.format("%8s", "-") : String.format("%8.2f", ((Number) r).doubleValue()));
    }
  }
}
