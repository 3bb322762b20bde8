package eqaug.nn;

import eqaug.group.Group;
import eqaug.space.FieldSpace;
import java.util.List;

/**
 * The MLP Phi_A of the paper's eq. (1) as data: input space, stages and loss. The input is centred
 * (x + inputShift) before the first layer, as App. C does with x - 0.5.
 */
public record Architecture(String name, FieldSpace input, float inputShift, List<Stage> stages, Loss loss) {
  public Architecture {
    stages = List.copyOf(stages);
    int dim = input.dim();
    Group group = input.action().group();
    FieldSpace current = input;
    boolean anyLinear = false;
    for (Stage s : stages) {
      if (s instanceof Linear l) {
        if (l.in().dim() != dim) {
          throw new IllegalArgumentException(
              "layer " + l.name() + " expects input dimension " + l.in().dim() + " but receives " + dim);
        }
        if (!l.in().action().group().equals(group) || !l.out().action().group().equals(group)) {
          throw new IllegalArgumentException("layer " + l.name() + " is acted on by another group than the input");
        }
        dim = l.out().dim();
        current = l.out();
        anyLinear = true;
      } else if (s instanceof BatchNorm b && b.dim() != dim) {
        throw new IllegalArgumentException(
            "batch norm " + b.name() + " covers " + b.dim() + " values but receives " + dim);
      }
    }
    if (!anyLinear) {
      throw new IllegalArgumentException("an architecture needs at least one linear layer");
    }
    if (loss.dim() != dim) {
      throw new IllegalArgumentException("the loss expects " + loss.dim() + " outputs but the network gives " + dim);
    }
    if (current.dim() != dim) {
      throw new IllegalStateException("output space mismatch");
    }
  }

  /** The group G acting on every space of the network. */
  public Group group() {
    return input.action().group();
  }

  /** Y, the space of the last linear layer's output (and of the targets). */
  public FieldSpace output() {
    FieldSpace out = null;
    for (Stage s : stages) {
      if (s instanceof Linear l) {
        out = l.out();
      }
    }
    return out;
  }
}
