package eqaug.apps.results;

import eqaug.apps.experiments.UsageException;
import eqaug.io.Npy;
import eqaug.io.Npz;
import eqaug.io.ParameterArrays;
import eqaug.nn.ParameterLayout;
import eqaug.study.Study;
import eqaug.train.Strategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code --save-params EPOCHS}: A of every run and strategy at the listed epochs, each written whole (as every
 * file of a results folder) to {@code params/run-R/STRATEGY/epoch-K.npz} in the layout of docs/params.md, and
 * recorded per part with its SHA-256 once the part is committed.
 */
public final class SavedParameters {
  private final SortedSet<Integer> epochs;
  private final Npy.Dtype dtype;
  private final ParameterLayout layout;
  private final ResultsFolder folder;
  private final Map<Study.PartId, List<Map<String, Object>>> written = new ConcurrentHashMap<>();

  public SavedParameters(SortedSet<Integer> epochs, String precision, ParameterLayout layout, ResultsFolder folder) {
    this.epochs = Collections.unmodifiableSortedSet(new TreeSet<>(epochs));
    this.dtype = dtypeFor(precision);
    this.layout = layout;
    this.folder = folder;
  }

  /**
   * The element type of saved parameters for a run's precision (config.json's numerics.precision): the one
   * place that ties them. fp32 parameters are floats, so {@code <f4} holds them exactly.
   */
  public static Npy.Dtype dtypeFor(String precision) {
    return switch (precision) {
      case "fp32" -> Npy.Dtype.F4;
      case "fp64" -> Npy.Dtype.F8;
      default -> throw new IllegalArgumentException("no parameter file type for precision " + precision);
    };
  }

  /**
   * The epochs of {@code --save-params}: comma-separated integers 0..epochs (0 is A^0) or {@code last}, in
   * ascending order without repeats.
   */
  public static SortedSet<Integer> parseEpochs(String spec, int epochs) {
    return parseEpochs("--save-params", spec, epochs);
  }

  /** A comma-separated list of epochs given to {@code option}: each 0..epochs or 'last', duplicates dropped. */
  public static SortedSet<Integer> parseEpochs(String option, String spec, int epochs) {
    SortedSet<Integer> out = new TreeSet<>();
    if (spec.isBlank()) {
      throw new UsageException(option + " needs a comma-separated list of epochs (0 = A0, or 'last')");
    }
    for (String part : spec.split(",", -1)) {
      String t = part.strip();
      int e;
      if (t.equals("last")) {
        e = epochs;
      } else {
        try {
          e = Integer.parseInt(t);
        } catch (NumberFormatException x) {
          throw new UsageException(option + ": '" + t + "' is not an epoch (an integer 0.." + epochs + ", or 'last')");
        }
        if (e < 0 || e > epochs) {
          throw new UsageException(option + ": epoch " + e + " is outside 0.." + epochs + " (--epochs " + epochs + ")");
        }
      }
      out.add(e);
    }
    return out;
  }

  public SortedSet<Integer> epochs() {
    return epochs;
  }

  public boolean wants(int epoch) {
    return epochs.contains(epoch);
  }

  /** The file of (run, strategy, epoch), relative to the results folder. */
  public static String file(int run, Strategy s, int epoch) {
    return "params/run-" + run + "/" + s.name() + "/epoch-" + epoch + ".npz";
  }

  /** Writes A of (run, strategy) at {@code epoch} (whole, or not at all) and remembers it for config.json. */
  public void save(int run, Strategy s, int epoch, double[] a) {
    Map<String, Npy.View> arrays = ParameterArrays.views(layout, a, dtype);
    String name = file(run, s, epoch);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try {
      // Streamed to the file through the digest: a trans or rot file is hundreds of MB.
      folder.write(name, out -> Npz.write(arrays, new DigestOutputStream(out, sha)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder.path().resolve(name) + ": " + e.getMessage(), e);
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("run", run);
    entry.put("strategy", s.name());
    entry.put("epoch", epoch);
    entry.put("file", name);
    entry.put("dtype", dtype.descr());
    entry.put("sha256", HexFormat.of().formatHex(sha.digest()));
    List<Map<String, Object>> list = written.computeIfAbsent(new Study.PartId(run, s), k -> new ArrayList<>());
    synchronized (list) {
      list.add(entry);
    }
  }

  /**
   * Removes every file this session wrote, and the folders under params/ that are then empty: after a command
   * that failed before any part finished, so that it leaves nothing behind.
   */
  public void discardAll() {
    for (List<Map<String, Object>> list : written.values()) {
      synchronized (list) {
        for (Map<String, Object> e : list) {
          java.nio.file.Path f = folder.path().resolve((String) e.get("file"));
          try {
            java.nio.file.Files.deleteIfExists(f);
            for (java.nio.file.Path d = f.getParent(); !d.equals(folder.path()); d = d.getParent()) {
              try (var entries = java.nio.file.Files.list(d)) {
                if (entries.findAny().isPresent()) {
                  break;
                }
              }
              java.nio.file.Files.delete(d);
            }
          } catch (IOException | RuntimeException ignored) {
            // what cannot be removed stays; the folder then stays too
          }
        }
      }
    }
  }

  /** What this session wrote for (run, strategy), in epoch order. */
  public List<Object> entries(int run, Strategy s) {
    List<Map<String, Object>> list = written.get(new Study.PartId(run, s));
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }
}
