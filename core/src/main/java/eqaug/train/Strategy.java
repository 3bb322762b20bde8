package eqaug.train;

/** The three training strategies of the paper's §5. */
public enum Strategy {
  /** Full-batch gradient descent on the nominal risk R. */
  NOMINAL,
  /** N_aug passes per epoch, each mini-batch moved by one Haar-random g: descent on R^aug. */
  AUGMENTED,
  /** The nominal gradient projected onto E before each step: descent on R^eqv = R o Pi_E. */
  EQUIVARIANT
}
