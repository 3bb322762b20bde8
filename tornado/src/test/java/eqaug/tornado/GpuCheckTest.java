package eqaug.tornado;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's code path at toy sizes on the test device: every product build is checked and timed, the
 * three experiments are timed per strategy, and the protocol estimate is printed; it passes.
 */
class GpuCheckTest {
  @Test
  void smokeRunPassesAndReportsEveryPart() {
    String sel = TestDevice.get().selection();
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean ok;
    try (PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      System.setOut(p);
      ok = GpuCheck.check(new String[] {sel, "--smoke"});
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(ok, out);
    assertTrue(out.contains("matrix product: fp32 64x64 (auto: tensor cores are used on NVIDIA GPUs only)"), out);
    assertTrue(out.lines().filter(l -> l.startsWith("gemm ")).count() == 4, out);
    assertTrue(out.contains("3xTF32 tensor cores 128x128 "), out);
    for (String e : new String[] {"Experiment 1", "Experiment 2", "Experiment 3"}) {
      assertTrue(out.lines().anyMatch(l -> l.startsWith(e) && l.contains("AUGMENTED") && l.contains("30 runs")), e + "\n" + out);
    }
    assertTrue(out.contains("whole paper protocol, EQAUG_GEMM=auto, one run at a time:"), out);
    assertTrue(out.contains("GPU CHECK PASSED"), out);
  }
}
