package eqaug.apps.cli;

import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.results.RunInfo;
import eqaug.apps.experiments.UsageException;
import eqaug.backend.Backend;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The eqaug command line: one subcommand per experiment of the paper. */
@Command(name = "eqaug", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {
        "Equivariant vs augmented vs nominal training of MLPs on symmetric data",
        "(Flinth & Ohlsson, Optimization Dynamics of Equivariant and Augmented Neural Networks)."},
    subcommands = {ReproduceCommand.class, PermCommand.class, TransCommand.class, RotCommand.class, StabilityCommand.class, SweepCommand.class,
        MergeCommand.class,
        SlurmCommand.class, BenchCommand.class,
        DevicesCommand.class},
    footer = {"", "Main job: eqaug reproduce   (all three experiments, Figure 1 and report.md; quick scale ~5 min)",
        "Quick look: eqaug perm      (Experiment 1 alone, under a minute)",
        "Is E stable? eqaug stability perm   (Hessian spectra on E-perp and E, a few minutes)",
        "Sweeps: eqaug sweep rot --naug 1,4,all --precision fp32,fp64   (a point per combination)"})
public final class Main implements Runnable {
  /** Exit code for bad input: an unknown option, a bad value, an unusable file or folder. */
  static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"eqaug " + RunInfo.version() + " on " + RunInfo.jvm()};
    }
  }

  static Backend backend(String name) {
    return backend(name, eqaug.train.Precision.FP32);
  }

  /**
   * The backend of --device, refused in one line when it cannot train at {@code precision}, whether or not it can
   * run on this machine (so a login node that plans jobs with --list-units gives the same answer).
   */
  static Backend supporting(String name, eqaug.train.Precision precision) {
    Backend b;
    try {
      b = Backend.find(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--device: " + e.getMessage());
    }
    b.refuses(precision).ifPresent(why -> {
      throw new UsageException(why);
    });
    return b;
  }

  /** The backend of --device, refused in one line when it cannot train at {@code precision} or cannot run here. */
  static Backend backend(String name, eqaug.train.Precision precision) {
    Backend b = supporting(name, precision);
    b.unavailableReason().ifPresent(why -> {
      throw new UsageException("--device " + name + ": " + why);
    });
    return b;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (0 ok, 1 failure, 2 bad input). */
  public static int execute(String... args) {
    System.setProperty("eqaug.cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
    CommandLine cl = new CommandLine(new Main());
    // eqaug slurm passes the options it does not know on to the command it runs.
    cl.getSubcommands().get("slurm").setUnmatchedOptionsArePositionalParams(true);
    // eqaug sweep passes the options it does not sweep on to the experiment command of every point.
    cl.getSubcommands().get("sweep").setUnmatchedOptionsArePositionalParams(true);
    cl.setParameterExceptionHandler((ex, a) -> {
      CommandLine where = ex.getCommandLine();
      PrintWriter err = where.getErr();
      String name = where.getCommandSpec().qualifiedName();
      String message = ex.getMessage();
      if (ex instanceof CommandLine.UnmatchedArgumentException u && where.getParent() == null
          && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
        message = "unknown command '" + u.getUnmatched().get(0) + "' (commands: "
            + String.join(", ", where.getSubcommands().keySet()) + ")";
      }
      err.println(name + ": " + message + " (see '" + name + " --help')");
      err.flush();
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (ex instanceof SlurmCommand.Refused r) {
        return r.code;
      }
      if (ex instanceof UsageException) {
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        err.flush();
        return USAGE;
      }
      if (ex instanceof IllegalArgumentException || ex instanceof eqaug.data.DataFileException) {
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        err.flush();
        return USAGE;
      }
      err.println(commandLine.getCommandSpec().qualifiedName() + ": failed: " + describeFailure(ex)
          + (DEBUG ? "" : " (EQAUG_DEBUG=1 shows the stack trace)"));
      if (DEBUG) {
        ex.printStackTrace(err);
      }
      err.flush();
      return 1;
    });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // picocli hands only exceptions to the handler above; an Error reaches here.
      System.err.println("eqaug" + (args.length > 0 ? " " + args[0] : "") + ": failed: " + describeFailure(e));
      if (DEBUG) {
        e.printStackTrace();
      }
      return 1;
    }
  }

  private static final boolean DEBUG = "1".equals(System.getenv("EQAUG_DEBUG"));

  /** One line saying what went wrong, naming the resource that ran out where one did. */
  static String describeFailure(Throwable e) {
    if (e instanceof IllegalStateException && e.getCause() != null && e.getMessage() != null
        && e.getMessage().startsWith(describeFailure(e.getCause()))) {
      return e.getMessage(); // already described, with where the finished parts are
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + e.getMessage() + "; the heap is " + MemoryBudget.gib(MemoryBudget.heap())
          + "): lower --threads, --samples or --parallel-runs, or raise -Xmx through EQAUG_JAVA_OPTS";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
        return "the disk is full (" + m + ")";
      }
    }
    String m = e.getMessage();
    return e instanceof java.io.UncheckedIOException && m != null ? m : e.toString();
  }
}
