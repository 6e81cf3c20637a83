package io.swiftvr.udf.bundle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting for work another thread does on a bundle (a hash, a verification), with its own exceptions back. */
final class Completions {
  private Completions() {}

  /**
   * The result, or the computation's own exception: an {@link InvalidBundleException} (a new one, with this thread's
   * stack and the original as cause), a runtime exception or an error. An interrupt while waiting keeps the thread's
   * interrupt flag and ends the wait.
   */
  static <T> T await(CompletableFuture<T> work, String what) throws InvalidBundleException {
    try {
      return work.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidBundleException("Interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidBundleException invalid) {
        throw new InvalidBundleException(invalid.getMessage(), invalid);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("while waiting for " + what, cause);
    }
  }
}
