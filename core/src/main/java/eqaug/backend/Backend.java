package eqaug.backend;

import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.train.Precision;
import eqaug.train.TrainConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where training runs: the CPU ({@code cpu}, in core) or a device plugged in at run time through
 * {@link ServiceLoader} (the GPU module), so the command line never compiles against a device module.
 * A device name may carry a selection after a colon ({@code opencl:0:1}); {@link #select} interprets it.
 */
public interface Backend {
  String name();

  String description();

  /** Empty when this backend can run here; otherwise why not, in one line. */
  Optional<String> unavailableReason();

  /** An engine that trains at {@link Precision#FP32}. */
  TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads);

  /** The precisions this backend can train at (every backend has FP32). */
  default Set<Precision> precisions() {
    return Set.of(Precision.FP32);
  }

  /** Empty when this backend trains at {@code precision}; otherwise why not, in one line. */
  default Optional<String> refuses(Precision precision) {
    if (precisions().contains(precision)) {
      return Optional.empty();
    }
    return Optional.of("--device " + name() + " trains at " + String.join(", ",
        precisions().stream().sorted().map(Precision::label).toList()) + " only, not " + precision.label()
        + " (--precision " + precision.label() + " runs on --device cpu)");
  }

  /** An engine that trains at {@code precision}; refused (IllegalArgumentException) when {@link #refuses} says so. */
  default TrainingEngine open(Architecture arch, Dataset data, TrainConfig cfg, int threads, Precision precision) {
    Optional<String> why = refuses(precision);
    if (why.isPresent()) {
      throw new IllegalArgumentException(why.get());
    }
    if (precision != Precision.FP32) {
      throw new IllegalStateException(name() + " lists " + precision.label() + " but does not open it");
    }
    return open(arch, data, cfg, threads);
  }

  /**
   * This backend restricted to the selection written after its name and a colon ({@code "0:1"} of
   * {@code opencl:0:1}); backends without selections refuse any.
   */
  default Backend select(String selection) {
    throw new IllegalArgumentException("device '" + name() + "' takes no selection, got '" + name() + ":" + selection + "'");
  }

  /** One line per device this backend can use (platform, device, memory, compute units). */
  default List<String> describeDevices() {
    return List.of(name() + ": " + description());
  }

  /**
   * Every backend on the class path that loads on this JVM. A provider that cannot load (a device module
   * compiled for a newer Java, a missing class) is skipped; {@link #unloadable()} says which and why.
   */
  static List<Backend> available() {
    return Providers.scan().loaded();
  }

  /** Why each provider that is registered but cannot load on this JVM was skipped, one line each. */
  static List<String> unloadable() {
    return Providers.scan().failures();
  }

  /** The backend of that name (with its selection after a colon, if any), or an error naming the ones there are. */
  static Backend find(String name) {
    int colon = name.indexOf(':');
    String base = colon < 0 ? name : name.substring(0, colon);
    Providers p = Providers.scan();
    List<String> names = new ArrayList<>();
    for (Backend b : p.loaded()) {
      if (b.name().equals(base)) {
        return colon < 0 ? b : b.select(name.substring(colon + 1));
      }
      names.add(b.name());
    }
    if (p.requiredJava() > Runtime.version().feature()) {
      throw new IllegalArgumentException("the GPU path (--device " + base + ") needs Java " + p.requiredJava()
          + " or newer; this is Java " + Runtime.version().feature());
    }
    throw new IllegalArgumentException("unknown device '" + name + "' (available: " + String.join(", ", names) + ")");
  }

  /** The result of one ServiceLoader scan that survives providers which fail to load. */
  record Providers(List<Backend> loaded, List<String> failures, int requiredJava) {
    private static final Pattern CLASS_VERSION = Pattern.compile("class file version (\\d+)");

    static Providers scan() {
      List<Backend> loaded = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      int required = 0;
      Iterator<Backend> it = ServiceLoader.load(Backend.class).iterator();
      // Each failed provider advances the iterator; the bound only guards against a loader that does not.
      for (int guard = 0; guard < 1000; guard++) {
        try {
          if (!it.hasNext()) {
            break;
          }
          loaded.add(it.next());
        } catch (ServiceConfigurationError | LinkageError e) {
          Throwable cause = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
          Matcher m = CLASS_VERSION.matcher(String.valueOf(cause.getMessage()));
          if (cause instanceof UnsupportedClassVersionError && m.find()) {
            // Class file version v is Java v - 44: say which Java the module needs, not the raw version.
            int java = Integer.parseInt(m.group(1)) - 44;
            required = Math.max(required, java);
            failures.add("the GPU path (--device opencl) needs Java " + java + "+; this is Java "
                + Runtime.version().feature());
          } else {
            failures.add(String.valueOf(cause.getMessage()));
          }
        }
      }
      return new Providers(List.copyOf(loaded), List.copyOf(failures), required);
    }
  }
}
