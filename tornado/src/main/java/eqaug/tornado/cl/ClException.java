package eqaug.tornado.cl;

/** An OpenCL call that failed: names the call and the symbolic error code (e.g. CL_OUT_OF_RESOURCES). */
public final class ClException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String call;
  private final int code;

  public ClException(String call, int code) {
    this(call, code, null);
  }

  public ClException(String call, int code, String detail) {
    super(call + " failed: " + ClErrorCodes.name(code) + (detail == null || detail.isBlank() ? "" : "\n" + detail));
    this.call = call;
    this.code = code;
  }

  /** The OpenCL function that failed, e.g. "clBuildProgram". */
  public String call() {
    return call;
  }

  public int code() {
    return code;
  }

  /** Throws unless {@code code} is CL_SUCCESS. */
  static void check(String call, int code) {
    if (code != 0) {
      throw new ClException(call, code);
    }
  }
}
