package eqaug.nn;

/** One step of the MLP Phi_A of the paper's eq. (1): a linear layer, a pointwise non-linearity or batch norm. */
public sealed interface Stage permits Linear, Activation, BatchNorm {}
