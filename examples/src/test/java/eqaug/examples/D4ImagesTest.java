package eqaug.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.data.Dataset;
import eqaug.group.GroupElement;
import eqaug.group.PermutationAction;
import eqaug.space.FieldSpace;
import eqaug.train.Strategy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The worked example runs and shows what §5 and Theorem 4.1 predict, read from the lines it prints. */
class D4ImagesTest {
  private static final Pattern LINE = Pattern.compile(
      "(NOMINAL|AUGMENTED|EQUIVARIANT) +\\|\\|A-A0\\|\\| = (\\S+) +\\|\\|A_E-perp\\|\\| = (\\S+) +loss = (\\S+) +accuracy = (\\S+)");

  /** Per strategy: ||A - A0||, ||A_E-perp||, loss, accuracy, as printed. */
  private static Map<Strategy, double[]> printed(long seed) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    D4Images.run(seed, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("group D4 of order 8; action D4 on 8x8 images; 256 images, "), lines.get(0));
    Map<Strategy, double[]> out = new EnumMap<>(Strategy.class);
    for (String l : lines.subList(1, 4)) {
      Matcher m = LINE.matcher(l);
      assertTrue(m.matches(), l);
      out.put(Strategy.valueOf(m.group(1)), new double[] {
          Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
          Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
    }
    assertEquals(List.of(Strategy.values()), List.copyOf(out.keySet()));
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void equivariantStaysInEAndAugmentationDriftsFarLessThanNominal(long seed) {
    Map<Strategy, double[]> r = printed(seed);
    double[] nom = r.get(Strategy.NOMINAL);
    double[] aug = r.get(Strategy.AUGMENTED);
    double[] eqv = r.get(Strategy.EQUIVARIANT);
    for (double[] s : r.values()) {
      assertTrue(s[0] > 1, "every strategy moves away from A0: " + s[0]);
      assertTrue(s[3] > 0.9, "every strategy learns the task (the base rate is about 0.6): " + s[3]);
    }
    // Theorem 4.1: projected gradient steps from A0 in E never leave E (zero up to float rounding).
    assertTrue(eqv[1] <= 1e-6 * eqv[0], "EQUIVARIANT left E: " + eqv[1]);
    // Nominal training has no reason to stay near E; augmentation pulls towards it (measured: about 8x nearer).
    assertTrue(nom[1] > 0.2 * nom[0], "NOMINAL stays unexpectedly near E: " + nom[1]);
    assertTrue(aug[1] > 1e-3, "AUGMENTED is not exactly equivariant with finitely many draws: " + aug[1]);
    assertTrue(nom[1] > 4 * aug[1], "NOMINAL " + nom[1] + " vs AUGMENTED " + aug[1]);
  }

  @Test
  void theLabelIsInvariantUnderEveryElementOfD4() {
    PermutationAction image = D4Images.d4OnImages();
    assertEquals(8, image.group().elements().size());
    Dataset data = D4Images.centreTask(new SplittableRandom(5), 64);
    FieldSpace space = new FieldSpace(image, 1);
    for (GroupElement g : image.group().elements()) {
      int[] map = space.gather(g);
      // The moved images are labelled by the task's own rule: they must keep their labels.
      float[] moved = new float[data.inputs().length];
      for (int s = 0; s < data.size(); s++) {
        for (int p = 0; p < 64; p++) {
          moved[s * 64 + p] = data.inputs()[s * 64 + map[p]];
        }
      }
      Dataset relabelled = D4Images.centreTask(replay(moved), data.size());
      assertEquals(java.util.Arrays.toString(data.targets()), java.util.Arrays.toString(relabelled.targets()), g.toString());
    }
  }

  /** A generator whose booleans are the given pixels in order, so centreTask labels exactly these images. */
  private static java.util.random.RandomGenerator replay(float[] pixels) {
    return new java.util.random.RandomGenerator() {
      private int next;

      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean nextBoolean() {
        return pixels[next++] == 1;
      }
    };
  }
}
