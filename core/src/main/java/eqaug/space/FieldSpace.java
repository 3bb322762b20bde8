package eqaug.space;

import eqaug.group.GroupElement;
import eqaug.group.PermutationAction;

/**
 * A hidden space X_i = (R^d)^c of the paper: {@code channels} copies of R^d, each acted on by the same
 * permutation action. Vectors are stored channel-major: entry (channel, position) at channel * d + position.
 */
public record FieldSpace(PermutationAction action, int channels) {
  public FieldSpace {
    if (channels <= 0) {
      throw new IllegalArgumentException("channels must be positive: " + channels);
    }
  }

  /** d, the size of one channel. */
  public int positions() {
    return action.dim();
  }

  public int dim() {
    return channels * action.dim();
  }

  /** The gather map of rho(g) on the whole space: (rho(g) x)[i] = x[map[i]]. */
  public int[] gather(GroupElement g) {
    int[] map = new int[dim()];
    gather(g.code(), map);
    return map;
  }

  /** The gather map of the element with this code, written to map[0 .. dim()) without allocating. */
  public void gather(int[] code, int[] map) {
    int d = positions();
    action.gather(code, map);
    for (int c = 1; c < channels; c++) {
      for (int p = 0; p < d; p++) {
        map[c * d + p] = c * d + map[p];
      }
    }
  }

  public String describe() {
    return channels + " x (" + action.describe() + ")";
  }
}
