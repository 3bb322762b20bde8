package eqaug.io;

import java.io.IOException;

/** An .npy or .npz file that cannot be read as the format says: the message names the problem (and the array). */
public final class NpyFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public NpyFormatException(String message) {
    super(message);
  }

  public NpyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
