package eqaug.tornado;

import eqaug.space.OrbitTable;
import eqaug.tornado.cl.ClBuffer;
import eqaug.tornado.cl.ClContext;

/**
 * One layer's orbit table on the device ({@link OrbitTable}): the position pairs a * dIn + b of each orbit of
 * one channel pair, as CSR (orbitStart, members), uploaded once; every channel pair shares them.
 */
public record DeviceOrbits(int cols, int outPositions, int inPositions, int inChannels, int blocks, int orbits,
    ClBuffer orbitStart, ClBuffer members) {

  public static DeviceOrbits upload(ClContext ctx, String layer, OrbitTable t) {
    int dIn = t.in().positions();
    int dOut = t.out().positions();
    int orbits = t.orbitsPerChannelPair();
    int[] start = new int[orbits + 1];
    for (int a = 0; a < dOut; a++) {
      for (int b = 0; b < dIn; b++) {
        start[t.orbitOf(a, b) + 1]++;
      }
    }
    for (int o = 0; o < orbits; o++) {
      start[o + 1] += start[o];
    }
    int[] fillAt = start.clone();
    int[] members = new int[dIn * dOut];
    for (int a = 0; a < dOut; a++) {
      for (int b = 0; b < dIn; b++) {
        members[fillAt[t.orbitOf(a, b)]++] = a * dIn + b;
      }
    }
    ClBuffer s = ctx.buffer(layer + ".orbitStart", 4L * start.length);
    s.write(start);
    ClBuffer m = ctx.buffer(layer + ".orbitMembers", 4L * members.length);
    m.write(members);
    return new DeviceOrbits(t.in().dim(), dOut, dIn, t.in().channels(), t.out().channels() * t.in().channels(), orbits, s, m);
  }

  /** Partial sums {@link DeviceKernels#orbitDistance} writes. */
  public int partialCount() {
    long items = (long) blocks * orbits;
    return (int) ((items + DeviceKernels.REDUCE_GROUP - 1) / DeviceKernels.REDUCE_GROUP);
  }
}
