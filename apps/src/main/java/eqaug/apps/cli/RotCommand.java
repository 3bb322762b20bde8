package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.RotationExperiment;
import eqaug.train.TrainConfig;
import picocli.CommandLine.Command;

@Command(name = "rot", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Experiment 3 (App. C.3): rotation-equivariant segmentation of synthetic shapes (C4).",
        "Scales: quick (default) = " + RotCommand.QUICK + ";",
        "        paper = 30 runs, 50 epochs, N_aug 25, lr 1e-5, batch 25, 3000 images."})
final class RotCommand extends ExperimentCommand {
  static final String QUICK = "3 runs, 5 epochs, N_aug 5, lr 1e-5, batch 25, 300 images";

  @Override
  String name() {
    return "rot";
  }

  @Override
  boolean zoomPanel() {
    return false; // the paper shows Experiment 3 in one panel
  }

  @Override
  Protocol defaults(ExperimentOptions.Scale scale) {
    return switch (scale) {
      case quick -> new Protocol(3, 300, new TrainConfig(5, 1e-5, 25, 5), 1);
      case paper -> new Protocol(30, RotationExperiment.IMAGES, new TrainConfig(50, 1e-5, 25, 25), 1);
    };
  }

  @Override
  Experiment create(Protocol protocol) {
    MemoryBudget.checkData("the images and their masks", protocol.samples(), 3L * RotationExperiment.SIDE * RotationExperiment.SIDE);
    return RotationExperiment.create(protocol.samples(), protocol.seed());
  }
}
