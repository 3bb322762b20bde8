package eqaug.apps.stability;

import eqaug.apps.results.ResultsFolder;
import eqaug.hessian.Lanczos;
import eqaug.hessian.StabilityAnalysis;
import eqaug.io.Npy;
import eqaug.io.Npz;
import eqaug.io.ParameterArrays;
import eqaug.nn.ParameterLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stability --save-vectors}: at every analysed point, the unit Ritz vector of the smallest Ritz value on
 * E⊥ (the least stable direction of §4.2, what {@code --perturb-along} takes) and on E, each written whole as
 * {@code vectors/run-R/epoch-K-E-perp-min.npz} and {@code ...-E-min.npz} in the layout of docs/params.md at
 * {@code <f8}, and listed with its Ritz value, residual and SHA-256 (vectors.csv, config.json).
 */
public final class SavedVectors {
  public static final String HEADER = "run,epoch,block,eigenvalue,residual,file,sha256";
  private final ResultsFolder folder;
  private final ParameterLayout layout;
  private final List<Map<String, Object>> written = new ArrayList<>();

  public SavedVectors(ResultsFolder folder, ParameterLayout layout) {
    this.folder = folder;
    this.layout = layout;
  }

  /** The file of (run, epoch, block "E-perp" or "E"), relative to the results folder. */
  public static String file(int run, int epoch, String block) {
    return "vectors/run-" + run + "/epoch-" + epoch + "-" + block + "-min.npz";
  }

  /**
   * Writes both vectors of the point (each whole, or not at all; if the second fails the first is removed, so a
   * point has both files or neither) and remembers them.
   */
  public void save(int run, int epoch, StabilityAnalysis.Point p) {
    Map<String, Object> perp = write(run, epoch, "E-perp", p.complement());
    Map<String, Object> onE;
    try {
      onE = write(run, epoch, "E", p.equivariant());
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(folder.path().resolve((String) perp.get("file")));
      } catch (IOException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    }
    written.add(perp);
    written.add(onE);
  }

  private Map<String, Object> write(int run, int epoch, String block, StabilityAnalysis.Block b) {
    Lanczos.RitzPair least = b.result().smallest().get(0);
    if (least.vector() == null) {
      throw new IllegalStateException("the point's Ritz vectors were dropped before they were written");
    }
    String name = file(run, epoch, block);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    Map<String, Npy.View> arrays = ParameterArrays.views(layout, least.vector(), Npy.Dtype.F8);
    try {
      folder.write(name, out -> Npz.write(arrays, new DigestOutputStream(out, sha)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + folder.path().resolve(name) + ": " + e.getMessage(), e);
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("run", run);
    entry.put("epoch", epoch);
    entry.put("block", b.name());
    entry.put("eigenvalue", least.value());
    entry.put("residual", least.residual());
    entry.put("file", name);
    entry.put("dtype", Npy.Dtype.F8.descr());
    entry.put("sha256", HexFormat.of().formatHex(sha.digest()));
    return entry;
  }

  /** What was written, in order: config.json's "vectors". */
  public List<Map<String, Object>> entries() {
    return List.copyOf(written);
  }

  /** vectors.csv: one row per file. */
  public String csv() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Map<String, Object> e : written) {
      sb.append(e.get("run")).append(',').append(e.get("epoch")).append(',').append(e.get("block")).append(',')
          .append(e.get("eigenvalue")).append(',').append(e.get("residual")).append(',').append(e.get("file"))
          .append(',').append(e.get("sha256")).append('\n');
    }
    return sb.toString();
  }
}
