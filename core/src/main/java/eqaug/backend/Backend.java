package eqaug.backend;

import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where training runs: the CPU ({@code cpu}, in core) or a device plugged in at run time through
 * {@link ServiceLoader} (the GPU module), so the command line never compiles against a device module.
 */
public interface Backend {
  String name();

  String description();

  /** Empty when this backend can run here; otherwise why not, in one line. */
  Optional<String> unavailableReason();

  TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads);

  /** Every backend on the class path. */
  static List<Backend> available() {
    List<Backend> all = new ArrayList<>();
    ServiceLoader.load(Backend.class).forEach(all::add);
    return all;
  }

  /** The backend of that name, or an error naming the ones there are. */
  static Backend find(String name) {
    List<String> names = new ArrayList<>();
    for (Backend b : available()) {
      if (b.name().equals(name)) {
        return b;
      }
      names.add(b.name());
    }
    throw new IllegalArgumentException("unknown device '" + name + "' (available: " + String.join(", ", names) + ")");
  }
}
