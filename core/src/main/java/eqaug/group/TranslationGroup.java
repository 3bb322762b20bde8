package eqaug.group;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Z_N x Z_N acting on N x N images by cyclic shifts (paper, Example 3):
 * (rho(k, l) x)_{i,j} = x_{i-k, j-l}, indices mod N. An element's code is (k, l).
 */
public final class TranslationGroup implements Group {
  private final int n;

  public TranslationGroup(int n) {
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
    return "Z_" + n + "xZ_" + n;
  }

  @Override
  public long order() {
    return (long) n * n;
  }

  @Override
  public GroupElement identity() {
    return shift(0, 0);
  }

  public GroupElement shift(int k, int l) {
    return new GroupElement(new int[] {Math.floorMod(k, n), Math.floorMod(l, n)});
  }

  @Override
  public List<GroupElement> generators() {
    return List.of(shift(1, 0), shift(0, 1));
  }

  @Override
  public GroupElement inverse(GroupElement g) {
    return shift(-g.at(0), -g.at(1));
  }

  @Override
  public int codeLength() {
    return 2;
  }

  /** Uniform on all N^2 shifts, 0..N-1 in each direction. */
  @Override
  public void sample(RandomGenerator rng, int[] code) {
    code[0] = rng.nextInt(n);
    code[1] = rng.nextInt(n);
  }

  @Override
  public List<GroupElement> elements() {
    if (order() > MAX_LISTED_ORDER) {
      throw tooLargeToList();
    }
    List<GroupElement> all = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      for (int l = 0; l < n; l++) {
        all.add(shift(k, l));
      }
    }
    return all;
  }

  /** The action on one N x N channel, row-major. */
  public PermutationAction onGrid() {
    return PermutationAction.of(this, n * n, n == 1, "shifts of the " + n + "x" + n + " grid", (code, map) -> {
      int k = code[0];
      int l = code[1];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          map[i * n + j] = Math.floorMod(i - k, n) * n + Math.floorMod(j - l, n);
        }
      }
    });
  }
}
