package eqaug.group;

import java.util.Arrays;

/**
 * One element of a {@link Group}, encoded by the group that made it. For a {@link PermutationGroup} (every
 * group here: S_N, Z_N x Z_N, C4 and groups from generators) the code is the permutation itself, code[x] the
 * image of x, so equal groups share their codes.
 */
public record GroupElement(int[] code) {
  public GroupElement {
    code = code.clone();
  }

  @Override
  public int[] code() {
    return code.clone();
  }

  int at(int i) {
    return code[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupElement e && Arrays.equals(code, e.code);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(code);
  }

  @Override
  public String toString() {
    return Arrays.toString(code);
  }
}
