package eqaug.group;

import java.util.Arrays;

/**
 * One element of a {@link Group}, encoded by the group that made it (a permutation of the nodes for
 * S_N, a shift (k, l) for Z_N x Z_N, a rotation count k for C4). Only its group interprets the code.
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
