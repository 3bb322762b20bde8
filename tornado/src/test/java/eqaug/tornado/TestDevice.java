package eqaug.tornado;

import eqaug.tornado.cl.ClDevice;
import eqaug.tornado.cl.ClPlatforms;
import eqaug.tornado.cl.OpenClLibrary;

/**
 * The OpenCL device the tests run on: {@code -Deqaug.opencl.device=P:D}, else the first GPU, else the first
 * device (PoCL's CPU device in CI). Tests fail, not skip, when there is none: CI installs PoCL.
 */
final class TestDevice {
  private TestDevice() {}

  static ClDevice get() {
    String why = OpenClLibrary.unavailableReason();
    if (why != null) {
      throw new AssertionError("the tornado tests need OpenCL (CI installs pocl-opencl-icd and ocl-icd-libopencl1): " + why);
    }
    try {
      return ClPlatforms.select(System.getProperty("eqaug.opencl.device", ""));
    } catch (IllegalArgumentException e) {
      throw new AssertionError("the tornado tests need an OpenCL device (CI installs pocl-opencl-icd): " + e.getMessage());
    }
  }
}
