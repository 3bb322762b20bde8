package eqaug.data;

/** A data file that cannot be used: missing, truncated, corrupt, or not what it claims to be. The message names it. */
public final class DataFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataFileException(String message) {
    super(message);
  }

  public DataFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
