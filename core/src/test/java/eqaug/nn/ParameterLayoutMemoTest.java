package eqaug.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A layout and its orbit tables are built once per architecture object, also when threads ask at once. */
class ParameterLayoutMemoTest {
  @Test
  void oneLayoutPerArchitecture() {
    Architecture a = PaperNetworks.permutation(5);
    Architecture b = PaperNetworks.permutation(5);
    assertSame(ParameterLayout.of(a), ParameterLayout.of(a));
    // Another object (equal or not) gets its own layout, whose views name its own layers.
    ParameterLayout lb = ParameterLayout.of(b);
    assertNotSame(ParameterLayout.of(a), lb);
    for (Stage s : b.stages()) {
      if (s instanceof Linear l) {
        assertSame(l, lb.layer(l).layer());
      }
    }
    assertEquals(lb.size(), ParameterLayout.of(a).size());
    assertThrows(UnsupportedOperationException.class, () -> ParameterLayout.of(a).layers().clear());
  }

  @Test
  void threadsAskingAtOnceGetTheSameLayout() throws Exception {
    Architecture arch = PaperNetworks.rotation(6);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ParameterLayout>> got = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        got.add(pool.submit(() -> ParameterLayout.of(arch)));
      }
      for (Future<ParameterLayout> f : got) {
        assertSame(got.get(0).get(), f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
