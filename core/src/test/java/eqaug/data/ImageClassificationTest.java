package eqaug.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MNIST-style data as a Dataset (App. C.2): 2 x 2 area-mean downsampling checked by hand and by its
 * invariants, the real Fashion-MNIST test split loaded and compared pixel by pixel with an independent
 * recomputation from the raw IDX bytes, and refusal of inconsistent files.
 */
class ImageClassificationTest {
  static final Path IMAGES = IdxTest.IMAGES_GZ;
  static final Path LABELS = IdxTest.LABELS_GZ;

  @TempDir
  Path tmp;

  // ------------------------------------------------------------------ downsample2x2

  @Test
  void downsamplingAveragesEachTwoByTwoBlockWrittenAtTheOffset() {
    float[] src = {
        1, 2, 3, 4,
        5, 6, 7, 8,
        9, 10, 11, 12,
        13, 14, 15, 16};
    float[] dst = new float[7];
    Arrays.fill(dst, -1f);
    ImageClassification.downsample2x2(src, 4, dst, 2);
    // (1+2+5+6)/4, (3+4+7+8)/4, (9+10+13+14)/4, (11+12+15+16)/4
    assertArrayEquals(new float[] {-1, -1, 3.5f, 5.5f, 11.5f, 13.5f, -1}, dst, 0f,
        "block means in row-major order at offset 2, nothing else touched");
  }

  @Test
  void downsamplingAnAsymmetricImageKeepsRowsAndColumnsApart() {
    // A single bright pixel at row 1, column 4 of a 6 x 6 image lands in block (0, 2) with weight 1/4.
    float[] src = new float[36];
    src[1 * 6 + 4] = 1f;
    float[] dst = new float[9];
    ImageClassification.downsample2x2(src, 6, dst, 0);
    float[] expected = new float[9];
    expected[0 * 3 + 2] = 0.25f;
    assertArrayEquals(expected, dst, 0f);
  }

  @Test
  void constantImagesStayConstant() {
    for (float v : new float[] {0f, 0.3f, 1f}) {
      float[] src = new float[28 * 28];
      Arrays.fill(src, v);
      float[] dst = new float[14 * 14];
      ImageClassification.downsample2x2(src, 28, dst, 0);
      for (float d : dst) {
        assertEquals(v, d, 1e-6f);
      }
    }
  }

  @Test
  void downsamplingPreservesMassUpToTheAreaFactor() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int trial = 0; trial < 20; trial++) {
      float[] src = new float[28 * 28];
      double sum = 0;
      for (int i = 0; i < src.length; i++) {
        src[i] = (float) rng.nextDouble();
        sum += src[i];
      }
      float[] dst = new float[14 * 14];
      ImageClassification.downsample2x2(src, 28, dst, 0);
      double down = 0;
      for (float d : dst) {
        down += d;
      }
      assertEquals(sum / 4, down, 1e-4, "each output pixel stands for four input pixels");
    }
  }

  // ------------------------------------------------------------------ load on the real data

  @Test
  void realFashionImagesBecomeFourteenByFourteenAreaMeansWithOneHotLabels() {
    Dataset d = ImageClassification.load("fashion", IMAGES, LABELS, 28, 10, Integer.MAX_VALUE);
    Idx.Tensor img = Idx.read(IMAGES);
    Idx.Tensor lab = Idx.read(LABELS);
    assertEquals(10_000, d.size());
    assertEquals(196, d.inputDim());
    assertEquals(10, d.targetDim());
    int[] perClass = new int[10];
    for (int i = 0; i < d.size(); i++) {
      for (int r = 0; r < 14; r++) {
        for (int c = 0; c < 14; c++) {
          int base = i * 784 + 2 * r * 28 + 2 * c;
          double expected = (img.unsigned(base) + img.unsigned(base + 1) + img.unsigned(base + 28)
              + img.unsigned(base + 29)) / (4 * 255.0);
          float got = d.inputs()[i * 196 + r * 14 + c];
          if (!(got >= 0f && got <= 1f)) {
            fail("input outside [0, 1]: " + got);
          }
          if (Math.abs(got - expected) > 1e-6) {
            assertEquals(expected, got, 1e-6, "image " + i + ", pixel (" + r + ", " + c + ")");
          }
        }
      }
      int label = lab.unsigned(i);
      int ones = 0;
      for (int k = 0; k < 10; k++) {
        float t = d.targets()[i * 10 + k];
        if (t != 0f && t != 1f) {
          fail("target " + t);
        }
        if (t == 1f) {
          ones++;
          assertEquals(label, k, "one-hot position of image " + i);
        }
      }
      assertEquals(1, ones, "one-hot target of image " + i);
      perClass[label]++;
    }
    int[] thousand = new int[10];
    Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, perClass);
  }

  @Test
  void maxCountTakesTheFirstImagesInFileOrder() {
    Dataset all = ImageClassification.load("fashion", IMAGES, LABELS, 28, 10, 10_000);
    Dataset some = ImageClassification.load("fashion", IMAGES, LABELS, 28, 10, 123);
    assertEquals(123, some.size());
    assertArrayEquals(Arrays.copyOf(all.inputs(), 123 * 196), some.inputs());
    assertArrayEquals(Arrays.copyOf(all.targets(), 123 * 10), some.targets());
  }

  // ------------------------------------------------------------------ refusals

  private Path images(String name, int count, int rows, int cols) throws IOException {
    Path p = tmp.resolve(name);
    Idx.write(p, new int[] {count, rows, cols}, new byte[count * rows * cols]);
    return p;
  }

  private Path labels(String name, byte... values) throws IOException {
    Path p = tmp.resolve(name);
    Idx.write(p, new int[] {values.length}, values);
    return p;
  }

  @Test
  void differentImageAndLabelCountsAreRefusedNamingTheFiles() throws IOException {
    Path img = images("img.gz", 3, 28, 28);
    Path lab = labels("lab.gz", (byte) 0, (byte) 1);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageClassification.load("x", img, lab, 28, 10, 100));
    assertTrue(e.getMessage().contains(img.toString()) && e.getMessage().contains(lab.toString()), e.getMessage());
  }

  @Test
  void labelsNotBelowTheClassCountAreRefusedNamingTheLabelFile() throws IOException {
    Path img = images("img", 3, 28, 28);
    Path lab = labels("lab", (byte) 0, (byte) 10, (byte) 1);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageClassification.load("x", img, lab, 28, 10, 100));
    assertTrue(e.getMessage().contains(lab.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("10"), e.getMessage());

    // 0xff is label 255 (unsigned), not -1.
    Path lab255 = labels("lab255", (byte) 0, (byte) 1, (byte) 0xff);
    DataFileException e2 = assertThrows(DataFileException.class, () -> ImageClassification.load("x", img, lab255, 28, 10, 100));
    assertTrue(e2.getMessage().contains(lab255.toString()) && e2.getMessage().contains("255"), e2.getMessage());
  }

  @Test
  void nonSquareOrOddImagesAreRefusedNamingTheImageFile() throws IOException {
    Path lab = labels("lab", (byte) 0, (byte) 1);
    Path wide = images("wide", 2, 28, 26);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageClassification.load("x", wide, lab, 28, 10, 100));
    assertTrue(e.getMessage().contains(wide.toString()), e.getMessage());
    Path odd = images("odd", 2, 7, 7);
    DataFileException e2 = assertThrows(DataFileException.class, () -> ImageClassification.load("x", odd, lab, 28, 10, 100));
    assertTrue(e2.getMessage().contains(odd.toString()), e2.getMessage());
  }

  @Test
  void filesOfTheWrongShapeAreRefused() throws IOException {
    Path img = images("img", 2, 28, 28);
    Path lab = labels("lab", (byte) 0, (byte) 1);
    // Images and labels swapped: the 1-dimensional file given as images is refused by name.
    DataFileException e = assertThrows(DataFileException.class, () -> ImageClassification.load("x", lab, img, 28, 10, 100));
    assertTrue(e.getMessage().contains(lab.toString()), e.getMessage());
  }

  @Test
  void squareImagesOfAnotherSizeAreRefusedNamingTheFileTheShapeFoundAndTheShapeExpected() throws IOException {
    // 32x32 would downsample to 16x16 and only fail later, in the network; the loader must refuse it.
    Path lab = labels("lab", (byte) 0, (byte) 1);
    Path big = images("big.gz", 2, 32, 32);
    DataFileException e = assertThrows(DataFileException.class, () -> ImageClassification.load("x", big, lab, 28, 10, 100));
    assertTrue(e.getMessage().contains(big.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("32x32") && e.getMessage().contains("28x28"), e.getMessage());
    // The same files are fine for a caller that asks for 32x32 (downsampled to 16x16).
    assertEquals(2 * 16 * 16, ImageClassification.load("x", big, lab, 32, 10, 100).inputs().length);
  }
}
