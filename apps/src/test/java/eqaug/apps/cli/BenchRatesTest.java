package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.experiments.Workloads;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Network;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bench's flop counts per pass and its products' rate, which the effective GFLOP/s are compared with. */
class BenchRatesTest {
  @Test
  void experimentOnePassFlopIsCountedFromTheArchitecture() {
    Workloads.Setup perm = Workloads.setup("perm");
    // 1000 graphs; layers 100->3200, 3200->64, 64->32, 32->1; the first layer's input gradient is not computed.
    double forward = 2.0 * 1000 * (100 * 3200 + 3200 * 64 + 64 * 32 + 32);
    double inputGradients = 2.0 * 1000 * (3200 * 64 + 64 * 32 + 32);
    assertEquals(forward, BenchCommand.passFlop(perm, false), 0.0);
    assertEquals(2 * forward + inputGradients, BenchCommand.passFlop(perm, true), 0.0);
  }

  @Test
  void productsRateIsTheFlopWeightedHarmonicMeanOfTheMeasuredProducts() {
    Workloads.Setup perm = Workloads.setup("perm");
    Map<String, Double> rates = new HashMap<>();
    for (String layer : new String[] {"rho1", "pool"}) {
      for (String op : new String[] {"forward", "grad_input", "grad_weight"}) {
        rates.put(layer + " " + op, 100.0);
      }
    }
    assertEquals(100.0, BenchCommand.productsGflops(perm, true, rates), 1e-9);
    // rho1's forward product at 50: of 200 rows' products (rho1 forward 128 MFLOP, its weight gradient 128,
    // pool's three 81.92 each; the dense heads were not measured), 128 take twice as long.
    rates.put("rho1 forward", 50.0);
    double flop = 2 * 128e6 + 3 * 81.92e6;
    double seconds = 128e6 / 50e9 + (flop - 128e6) / 100e9;
    assertEquals(flop / seconds / 1e9, BenchCommand.productsGflops(perm, true, rates), 1e-9);
    assertEquals(1 / ((128e6 / 50e9 + 81.92e6 / 100e9) / (128e6 + 81.92e6)) / 1e9,
        BenchCommand.productsGflops(perm, false, rates), 1e-9);
  }

  @Test
  void profileTimesEveryProductOfEachPassKindOncePerNetworkStep() {
    Workloads.Setup perm = Workloads.setup("perm");
    List<Map<String, Object>> rows;
    try (VectorKernels k = new VectorKernels(2)) {
      rows = BenchCommand.passProfile(k, perm, true, null);
    }
    for (String pass : new String[] {"pass with gradient", "augmented pass", "forward-only pass"}) {
      Map<String, Map<String, Object>> byKind = rows.stream().filter(r -> r.get("pass").equals(pass))
          .collect(Collectors.toMap(r -> (String) r.get("kind"), r -> r));
      boolean gradient = !pass.startsWith("forward");
      // 1000 graphs in steps of 200: each product five times per pass, and none the pass does not run.
      List<Network.Product> products = Network.products(perm.arch(), 200, gradient);
      for (Network.Product p : products) {
        String product = String.format("%s %s %dx%d * %dx%d", p.layer(), p.op(), p.m(), p.k(), p.k(), p.n());
        // Products next to a leaky ReLU carry it: rho1, pool and dense1 forward (the ReLU after them), pool's and
        // dense2's input gradients (the ReLU before them); dense1's input gradient meets batch norm instead.
        String label = byKind.containsKey(product) ? product : product + TimedKernels.LEAKY_RELU;
        assertTrue(byKind.containsKey(label), pass + " lacks " + product + ": " + byKind.keySet());
        assertEquals(5.0, (Double) byKind.get(label).get("calls"), 0.0, label);
        boolean fused = (p.op().equals("forward") && !p.layer().equals("dense2"))
            || (p.op().equals("grad_input") && !p.layer().equals("dense1"));
        assertEquals(fused, label.endsWith(TimedKernels.LEAKY_RELU), label);
      }
      long gemmKinds = byKind.keySet().stream().filter(x -> x.contains(" * ")).count();
      assertEquals(products.size(), gemmKinds, pass + ": " + byKind.keySet());
      assertEquals(pass.startsWith("augmented") ? 1000.0 : null, byKind.containsKey("gather")
          ? (Double) byKind.get("gather").get("calls") : null, pass);
      // Every kernel call's share and the rest's make up the pass.
      double shares = byKind.values().stream().mapToDouble(r -> (Double) r.get("share")).sum();
      assertEquals(1.0, shares, 0.02, pass);
    }
  }
}
