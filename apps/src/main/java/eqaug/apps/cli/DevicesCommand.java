package eqaug.apps.cli;

import eqaug.backend.Backend;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists where training can run: every backend the core SPI finds, with its devices (platforms, memory, units). */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"Lists the devices training can use (--device NAME): the CPU, and OpenCL platforms and devices",
        "with their memory and compute units when the GPU module loads (Java 22+)."})
final class DevicesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (Backend b : Backend.available()) {
      out.println(b.name() + ": " + b.description());
      var why = b.unavailableReason();
      if (why.isPresent()) {
        out.println("  unavailable: " + why.get());
        continue;
      }
      for (String line : b.describeDevices()) {
        if (!line.equals(b.name() + ": " + b.description())) { // the default list repeats the header line
          out.println("  " + line);
        }
      }
    }
    for (String why : Backend.unloadable()) {
      out.println("not loaded: " + why);
    }
    out.flush();
    return 0;
  }
}
