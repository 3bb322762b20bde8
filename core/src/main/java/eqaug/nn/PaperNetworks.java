package eqaug.nn;

import eqaug.group.PermutationAction;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import eqaug.space.FieldSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks of the paper's three experiments (App. C, with DESIGN.md's initial scales), for a grid or
 * graph of size n (10 and 14 in the paper). One definition for the command line, the GPU module and tests.
 */
public final class PaperNetworks {
  private PaperNetworks() {}

  /**
   * Experiment 1 (App. C.1): S_N on adjacency matrices; 1 -> 32 channels of R^{N x N}, pooling to R^64
   * (trivial), batch norm, dense 64 -> 32 -> 1, sigmoid and binary cross-entropy; leaky ReLU between.
   */
  public static Architecture permutation(int n) {
    SymmetricGroup g = new SymmetricGroup(n);
    FieldSpace adjacency = new FieldSpace(g.onTensors(2), 1);
    FieldSpace hidden = new FieldSpace(g.onTensors(2), 32);
    FieldSpace pooled = new FieldSpace(g.trivialAction(1), 64);
    FieldSpace dense = new FieldSpace(g.trivialAction(1), 32);
    FieldSpace out = new FieldSpace(g.trivialAction(1), 1);
    List<Stage> stages = List.of(
        new Linear("rho1", adjacency, hidden, Init.gaussian(1 / (n * Math.sqrt(32)))),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(1 / Math.sqrt(64))),
        Activation.leakyRelu(),
        new BatchNorm("bn", 64, 1),
        new Linear("dense1", pooled, dense, Init.gaussian(n / 64.0)),
        Activation.leakyRelu(),
        new Linear("dense2", dense, out, Init.gaussian(n / 32.0)));
    return new Architecture("perm", adjacency, -0.5f, stages, new Loss.SigmoidBce(1, 1));
  }

  /**
   * Experiment 2 (App. C.2): Z_N x Z_N cyclic shifts on 1 -> 32 -> 32 channels of R^{N x N} (leaky ReLU),
   * pooling to R^32 (trivial), tanh, batch norm, dense 32 -> 10, softmax cross-entropy on the logits.
   */
  public static Architecture translation(int n) {
    TranslationGroup g = new TranslationGroup(n);
    FieldSpace image = new FieldSpace(g.onGrid(), 1);
    FieldSpace hidden = new FieldSpace(g.onGrid(), 32);
    FieldSpace pooled = new FieldSpace(g.trivialAction(1), 32);
    FieldSpace classes = new FieldSpace(g.trivialAction(1), 10);
    List<Stage> stages = List.of(
        new Linear("rho1", image, hidden, Init.gaussian(1.0 / n)),
        Activation.leakyRelu(),
        new Linear("rho2", hidden, hidden, Init.gaussian(1.0 / (n * Math.sqrt(32)))),
        Activation.leakyRelu(),
        new Linear("pool", hidden, pooled, Init.blockConstant(1 / Math.sqrt(32))),
        Activation.tanh(),
        new BatchNorm("bn", 32, 1),
        new Linear("dense", pooled, classes, Init.gaussian(n / 32.0)));
    return new Architecture("trans", image, -0.5f, stages, new Loss.SoftmaxCrossEntropy(10));
  }

  /**
   * Experiment 3 (App. C.3): C4 rotations on every space; 1 -> 32 -> 32 -> 16 -> 2 channels of R^{N x N}
   * with leaky ReLU between, batch norm before the sigmoid, pixelwise BCE of each mask, summed.
   */
  public static Architecture rotation(int n) {
    RotationGroup g = new RotationGroup();
    PermutationAction grid = g.onGrid(n);
    int[] channels = {1, 32, 32, 16, 2};
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i + 1 < channels.length; i++) {
      FieldSpace in = new FieldSpace(grid, channels[i]);
      FieldSpace out = new FieldSpace(grid, channels[i + 1]);
      stages.add(new Linear("rho" + (i + 1), in, out, Init.gaussian(1 / (n * Math.sqrt(channels[i])))));
      if (i + 2 < channels.length) {
        stages.add(Activation.leakyRelu());
      }
    }
    stages.add(new BatchNorm("bn", 2, n * n));
    return new Architecture("rot", new FieldSpace(grid, 1), -0.5f, stages, new Loss.SigmoidBce(2, n * n));
  }
}
