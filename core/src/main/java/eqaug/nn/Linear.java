package eqaug.nn;

import eqaug.space.FieldSpace;

/** A layer A_i in Hom(X_in, X_out), stored dense (being in E is a property of the weights, not of the storage). */
public record Linear(String name, FieldSpace in, FieldSpace out, Init init) implements Stage {
  public int rows() {
    return out.dim();
  }

  public int cols() {
    return in.dim();
  }
}
