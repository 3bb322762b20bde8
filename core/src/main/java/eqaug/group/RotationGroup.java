package eqaug.group;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * C4 acting on N x N images by rotations through multiples of 90 degrees (paper, Example 4):
 * rho(k) = rho(1)^k with (rho(1) x)_{i,j} = x_{-j, i} in coordinates centred on the grid, that is
 * x[N-1-j][i] for row-major indices 0..N-1. An element's code is k in 0..3.
 */
public final class RotationGroup implements Group {
  private final int n;

  public RotationGroup(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("grid size must be positive, got " + n);
    }
    this.n = n;
  }

  public int n() {
    return n;
  }

  @Override
  public String name() {
    return "C4";
  }

  @Override
  public long order() {
    return 4;
  }

  public GroupElement rotation(int k) {
    return new GroupElement(new int[] {Math.floorMod(k, 4)});
  }

  @Override
  public GroupElement identity() {
    return rotation(0);
  }

  @Override
  public List<GroupElement> generators() {
    return List.of(rotation(1));
  }

  @Override
  public GroupElement inverse(GroupElement g) {
    return rotation(-g.at(0));
  }

  @Override
  public int codeLength() {
    return 1;
  }

  @Override
  public void sample(RandomGenerator rng, int[] code) {
    code[0] = rng.nextInt(4);
  }

  @Override
  public List<GroupElement> elements() {
    List<GroupElement> all = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      all.add(rotation(k));
    }
    return all;
  }

  /** The action on one N x N channel, row-major. */
  public PermutationAction onGrid() {
    int[] quarter = new int[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        quarter[i * n + j] = (n - 1 - j) * n + i;
      }
    }
    return PermutationAction.of(this, n * n, n == 1, "90° rotations of the " + n + "x" + n + " grid", (code, map) -> {
      // rho(1)^k: the quarter-turn map applied k times, read directly from the pixel's rotated position.
      int k = Math.floorMod(code[0], 4);
      for (int p = 0; p < n * n; p++) {
        int q = p;
        for (int r = 0; r < k; r++) {
          q = quarter[q];
        }
        map[p] = q;
      }
    });
  }
}
