package eqaug.apps.cli;

import eqaug.apps.experiments.PermutationExperiment;
import eqaug.apps.experiments.RotationExperiment;
import eqaug.apps.experiments.TranslationExperiment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eqaug.nn.Architecture;
import eqaug.nn.ParameterLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * dim L and dim E of the three networks of the paper's Appendix C, layer by layer, from representation
 * theory. For a permutation action, Hom_G between two channels is spanned by the indicator matrices of the
 * G-orbits on position pairs (a, b) (g acts by (a, b) -> (g a, g b)); channels are not mixed by G, so
 * dim Hom_G(X_in, X_out) = (orbits on position pairs) x c_in x c_out. By Burnside, the number of orbits is
 * the mean over G of the number of fixed pairs.
 */
class ExperimentsShapeTest {

  /** One expected layer: name, dim L of the layer (rows x columns), orbits per channel pair, dim E. */
  record Expect(String name, long dimL, int orbitsPerPair, long dimE) {}

  static void check(Architecture arch, List<Expect> expected, int batchNormChannels) {
    ParameterLayout layout = ParameterLayout.of(arch);
    List<ParameterLayout.LayerView> layers = layout.layers();
    assertEquals(expected.size(), layers.size(), "linear layers");
    long totalL = 0;
    long totalE = 0;
    int offset = 0;
    for (int i = 0; i < layers.size(); i++) {
      Expect e = expected.get(i);
      ParameterLayout.LayerView v = layers.get(i);
      assertEquals(e.name(), v.name());
      assertEquals(e.dimL(), v.size(), e.name() + ": dim L");
      assertEquals(e.orbitsPerPair(), v.orbits().orbitsPerChannelPair(), e.name() + ": orbits per channel pair");
      assertEquals(e.dimE(), v.orbits().homDim(), e.name() + ": dim E");
      assertEquals(offset, v.offset(), e.name() + ": layers lie back to back in the parameter vector");
      offset += v.size();
      totalL += e.dimL();
      totalE += e.dimE();
    }
    assertEquals(totalL, layout.linearSize(), "dim L");
    assertEquals(totalE, layout.equivariantDim(), "dim E");
    // Batch norm adds a scale and a shift per channel, outside L.
    assertEquals(totalL + 2L * batchNormChannels, layout.size(), "all parameters");
  }

  /**
   * Experiment 1 (App. C.1): S_10 acting on adjacency matrices R^{10 x 10} (positions are index pairs (i, j)).
   * <ul>
   *   <li>rho1, 1 -> 32 channels of R^{N x N}: dim L = (32 * 100) x 100 = 320000. An entry is a 4-tuple of
   *       node indices (i, j, k, l); S_N orbits on 4-tuples are their equality patterns, the set partitions of
   *       4 slots: Bell(4) = 15 (all realisable since N = 10 >= 4), the 15 basis tensors of App. C.1.
   *       dim E = 15 * 1 * 32 = 480.</li>
   *   <li>pool, 32 channels of R^{N x N} -> R^64 with the trivial action: dim L = 64 x 3200 = 204800. The
   *       output has one position, so orbits are those of S_N on pairs (i, j): diagonal and off-diagonal, 2.
   *       dim E = 2 * 32 * 64 = 4096.</li>
   *   <li>dense 64 -> 32 and 32 -> 1 between trivial representations: every map is equivariant, one orbit
   *       per channel pair, dim E = dim L = 2048 and 32.</li>
   * </ul>
   */
  @Test
  void permutationNetwork() {
    check(PermutationExperiment.architecture(10), List.of(
        new Expect("rho1", 320_000, 15, 15 * 32),
        new Expect("pool", 204_800, 2, 2 * 32 * 64),
        new Expect("dense1", 64 * 32, 1, 64 * 32),
        new Expect("dense2", 32, 1, 32)), 64);
  }

  /**
   * Experiment 2 (App. C.2): Z_14 x Z_14 acting by cyclic shifts on 14 x 14 = 196 pixels, freely and
   * transitively (the regular representation).
   * <ul>
   *   <li>rho1, 1 -> 32 channels: dim L = (32 * 196) x 196 = 1229312. Only the identity fixes a pair, so
   *       Burnside gives 196^2 / 196 = 196 orbits (one per relative shift a - b: the convolutions, N^2 = 196
   *       basis kernels per channel pair). dim E = 196 * 32 = 6272.</li>
   *   <li>rho2, 32 -> 32: dim L = 6272^2 = 39337984, dim E = 196 * 32 * 32 = 200704.</li>
   *   <li>pool, 32 channels of the grid -> R^32 (trivial): dim L = 32 x 6272 = 200704; the shifts are
   *       transitive on pixels, so a channel pair has one orbit (a constant row): dim E = 32 * 32 = 1024.</li>
   *   <li>dense 32 -> 10 between trivial representations: dim E = dim L = 320.</li>
   * </ul>
   */
  @Test
  void translationNetwork() {
    check(TranslationExperiment.architecture(14), List.of(
        new Expect("rho1", 32L * 196 * 196, 196, 32 * 196),
        new Expect("rho2", 6272L * 6272, 196, 32 * 32 * 196),
        new Expect("pool", 32L * 6272, 1, 32 * 32),
        new Expect("dense", 320, 1, 320)), 32);
  }

  /**
   * Experiment 3 (App. C.3): C4 acting by 90-degree rotations on 14 x 14 pixels. The grid has even side, so
   * the centre of rotation is no pixel centre and no rotation but the identity fixes a pixel, let alone a
   * pair; Burnside gives 196^2 / 4 = 9604 orbits per channel pair, and every layer has
   * dim L = c_in c_out 196^2 = c_in c_out 38416 and dim E = c_in c_out 9604 (channels 1 -> 32 -> 32 -> 16 -> 2).
   */
  @Test
  void rotationNetwork() {
    long pairs = 196L * 196;
    int orbits = 196 * 196 / 4;
    assertEquals(9604, orbits);
    check(RotationExperiment.architecture(14), List.of(
        new Expect("rho1", 1 * 32 * pairs, orbits, 1L * 32 * orbits),
        new Expect("rho2", 32 * 32 * pairs, orbits, 32L * 32 * orbits),
        new Expect("rho3", 32 * 16 * pairs, orbits, 32L * 16 * orbits),
        new Expect("rho4", 16 * 2 * pairs, orbits, 16L * 2 * orbits)), 2);
  }
}
