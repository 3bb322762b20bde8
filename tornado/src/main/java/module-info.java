/**
 * The OpenCL engine: OpenCL C kernels called through java.lang.foreign (Java 22+), offered to core as an
 * {@link eqaug.backend.Backend} service. Nothing else is exported: users reach it only through that service.
 */
module eqaug.tornado {
  requires eqaug.core;

  // META-INF/services names the same provider for class-path use (apps.jar).
  provides eqaug.backend.Backend with eqaug.tornado.OpenClBackend;
}
