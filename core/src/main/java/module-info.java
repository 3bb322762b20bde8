/**
 * eqaug's numerics: groups and their actions, equivariant subspaces, networks, SIMD kernels and the §5
 * training loop. Depends on the JDK alone (the Vector API for the kernels); device modules plug in as
 * {@link eqaug.backend.Backend} services.
 */
module eqaug.core {
  requires jdk.incubator.vector;

  exports eqaug.backend;
  exports eqaug.data;
  exports eqaug.group;
  exports eqaug.hessian;
  exports eqaug.io;
  exports eqaug.kernel;
  exports eqaug.nn;
  exports eqaug.random;
  exports eqaug.space;
  exports eqaug.study;
  exports eqaug.train;

  uses eqaug.backend.Backend;
  // META-INF/services names the same provider for class-path use (apps.jar).
  provides eqaug.backend.Backend with eqaug.backend.CpuBackend;
}
