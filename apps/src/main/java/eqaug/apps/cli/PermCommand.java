package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.experiments.PermutationExperiment;
import eqaug.apps.experiments.Protocol;
import eqaug.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "perm", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Experiment 1 (App. C.1): permutation-invariant graph classification.",
        "1000 block Erdős–Rényi graphs on 10 nodes, label = connected; S_10 acts on adjacency matrices.",
        "--nodes N (even, 4 to 10) makes graphs of two clusters of N/2 nodes, so that S_N is small enough"
            + " to enumerate (S_6: 720 elements).",
        "Scales: quick (default) = " + PermCommand.QUICK + ";",
        "        paper = 30 runs, 50 epochs, N_aug 25, lr 1e-5, batch 200."})
final class PermCommand extends ExperimentCommand {
  static final String QUICK = "3 runs, 20 epochs, N_aug 10, lr 1e-5, batch 200, 1000 graphs";

  @Option(names = "--nodes", paramLabel = "N", description = "Nodes per graph, even, from "
      + PermutationExperiment.MIN_NODES + " to " + PermutationExperiment.MAX_NODES + " (default: ${DEFAULT-VALUE}, the paper's).")
  int nodes = PermutationExperiment.NODES;

  @Override
  String name() {
    return "perm";
  }

  @Override
  Protocol defaults(ExperimentOptions.Scale scale) {
    return switch (scale) {
      case quick -> new Protocol(3, PermutationExperiment.GRAPHS, new TrainConfig(20, 1e-5, 200, 10), 1);
      case paper -> new Protocol(30, PermutationExperiment.GRAPHS, new TrainConfig(50, 1e-5, 200, 25), 1);
    };
  }

  @Override
  Protocol protocol() {
    PermutationExperiment.checkNodes(nodes); // refused before anything else is checked or started
    return super.protocol();
  }

  @Override
  Experiment create(Protocol protocol) {
    PermutationExperiment.checkNodes(nodes);
    MemoryBudget.checkData("the graphs", protocol.samples(), (long) nodes * nodes + 1L);
    return PermutationExperiment.create(protocol.samples(), nodes, protocol.seed());
  }
}
