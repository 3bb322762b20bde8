package eqaug.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * MNIST-style data (images and labels in IDX files) as a {@link Dataset}: the images are downsampled by
 * 2 x 2 area means (28 x 28 to 14 x 14 in App. C.2), scaled to [0, 1], and the labels one-hot encoded.
 */
public final class ImageClassification {
  private ImageClassification() {}

  /**
   * The first {@code maxCount} (image, label) pairs; the images must be {@code side} x {@code side}, and
   * anything else is refused here, before a caller has written anything.
   */
  public static Dataset load(String name, Path images, Path labels, int side, int classes, int maxCount) {
    if (side <= 0 || side % 2 != 0) {
      throw new IllegalArgumentException("image side " + side + " is not a positive even number");
    }
    Idx.Tensor img = Idx.read(images);
    Idx.Tensor lab = Idx.read(labels);
    if (img.dims().length != 3) {
      throw new DataFileException(images + ": expected " + side + "x" + side + " images (3 dimensions: count, "
          + side + ", " + side + "), found " + img.dims().length + " dimensions " + Arrays.toString(img.dims()));
    }
    if (lab.dims().length != 1) {
      throw new DataFileException(labels + ": expected labels (1 dimension), found " + lab.dims().length);
    }
    if (img.count() != lab.count()) {
      throw new DataFileException(images + " holds " + img.count() + " images but " + labels + " holds "
          + lab.count() + " labels");
    }
    int rows = img.dims()[1];
    int cols = img.dims()[2];
    if (rows != side || cols != side) {
      throw new DataFileException(images + ": images are " + rows + "x" + cols + ", expected " + side + "x" + side);
    }
    int n = Math.min(maxCount, img.count());
    int half = rows / 2;
    float[] x = new float[n * half * half];
    float[] y = new float[n * classes];
    float[] full = new float[rows * cols];
    for (int i = 0; i < n; i++) {
      int label = lab.unsigned(i);
      if (label >= classes) {
        throw new DataFileException(labels + ": label " + label + " of entry " + i + " is not below " + classes);
      }
      for (int p = 0; p < rows * cols; p++) {
        full[p] = img.unsigned(i * rows * cols + p) / 255f;
      }
      downsample2x2(full, rows, x, i * half * half);
      y[i * classes + label] = 1;
    }
    return new Dataset(name, x, y, n, half * half, classes);
  }

  /** The n x n image src (row-major) averaged over 2 x 2 blocks into dst at dstOff ((n/2) x (n/2)). */
  public static void downsample2x2(float[] src, int n, float[] dst, int dstOff) {
    int h = n / 2;
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < h; c++) {
        int s = 2 * r * n + 2 * c;
        dst[dstOff + r * h + c] = (src[s] + src[s + 1] + src[s + n] + src[s + n + 1]) * 0.25f;
      }
    }
  }
}
