package eqaug.apps.experiments;

/** Bad input from the user (an option, a file, a data set): reported in one line, exit code 2. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
