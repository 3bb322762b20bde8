package eqaug.apps.results;

import eqaug.apps.experiments.UsageException;
import eqaug.io.Npy;
import eqaug.io.Npz;
import eqaug.io.ParameterArrays;
import eqaug.nn.ParameterLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An .npz in the layout of docs/params.md given to an option ({@code --init}, {@code --perturb-along}), read
 * whole with its SHA-256 and checked against the network (exactly its arrays, their shapes, finite values);
 * any problem is one line naming the option and the file.
 */
record ParameterFile(Path path, String sha256, Map<String, Npy.Array> arrays, String where) {
  static ParameterFile read(String option, Path file) {
    String where = option + " " + file + ": ";
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | SecurityException e) {
      throw new UsageException(where + "cannot read the file (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    try {
      return new ParameterFile(file.toAbsolutePath().normalize(), InitFile.sha256(bytes), Npz.read(file), where);
    } catch (IOException e) {
      throw new UsageException(where + e.getMessage());
    }
  }

  /** The values rounded to float (the engines' parameter type). */
  float[] floats(ParameterLayout layout) {
    try {
      return ParameterArrays.toFloats(layout, arrays);
    } catch (IOException e) {
      throw new UsageException(where + e.getMessage());
    }
  }

  /** The values as stored ({@code <f4} widened exactly). */
  double[] doubles(ParameterLayout layout) {
    try {
      return ParameterArrays.toDoubles(layout, arrays);
    } catch (IOException e) {
      throw new UsageException(where + e.getMessage());
    }
  }
}
