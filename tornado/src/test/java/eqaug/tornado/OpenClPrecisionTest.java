package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.Backend;
import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import eqaug.nn.PaperNetworks;
import eqaug.study.Study;
import eqaug.train.Precision;
import eqaug.train.TrainConfig;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The OpenCL backend trains at fp32 only, and refuses fp64 in one line before it looks for any device. */
class OpenClPrecisionTest {
  @Test
  void fp64IsRefusedBeforeAnyDeviceIsTouched() {
    Backend b = new OpenClBackend();
    assertEquals(Set.of(Precision.FP32), b.precisions());
    assertTrue(b.refuses(Precision.FP32).isEmpty());
    String why = b.refuses(Precision.FP64).orElseThrow();
    assertEquals("--device opencl trains at fp32 only, not fp64 (--precision fp64 runs on --device cpu)", why);
    Architecture arch = PaperNetworks.permutation(4);
    int in = arch.input().dim();
    int out = arch.output().dim();
    Dataset data = new Dataset("tiny", new float[2 * in], new float[2 * out], 2, in, out);
    // A selection no machine has: opening at fp32 would fail looking for it, so fp64 must fail first, and say why.
    Backend nowhere = b.select("99:99");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> nowhere.open(arch, data, new TrainConfig(1, 0.1, 2, 1), 1, Precision.FP64));
    assertEquals(why, e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    e = assertThrows(IllegalArgumentException.class, () -> new Study.Execution(b, 1, 1, Precision.FP64));
    assertEquals(why, e.getMessage());
  }
}
