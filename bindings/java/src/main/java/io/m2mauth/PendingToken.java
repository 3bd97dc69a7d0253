package io.m2mauth;

import io.m2mauth.internal.NativeCallbacks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The future of one {@link TokenManager#tokenAsync} call over m2mauth_token_manager_get_async, and the
 * sink the library completes it through (a JNI global reference to this object is the call's payload).
 *
 * <p>The library calls {@link #tokenDone} exactly once: on the calling thread before the native call
 * returns when the outcome is known at once (then the future completes right there, before anyone can
 * have chained on it), otherwise on a thread of the manager (then completion moves to the executor, so
 * no stage a user chained ever runs on, blocks or closes the manager from the library's thread).
 * {@link #cancel} completes the future with a CancellationException and requests the call's own
 * {@link Cancel} (none when the caller passed one in CallOptions: that one is the caller's to request),
 * so the native wait ends too.
 */
final class PendingToken extends CompletableFuture<Token> implements NativeCallbacks.TokenDoneSink {
  /** Makes the Token from a completed call's view (and records the manager's snapshot). */
  interface Maker {
    Token make(byte[] view, long[] sizes);
  }

  private final Maker make;
  private final Executor executor;
  /** The call's own cancel signal, closed on completion; null when the caller passed one. */
  private final Cancel own;
  /** The thread inside the native call while it is inside it (completion may then stay on it). */
  volatile Thread caller;

  PendingToken(Maker make, Executor executor, Cancel own) {
    this.make = make;
    this.executor = executor;
    this.own = own;
  }

  /** Not a PendingToken: stages chained on this future are plain futures (no cancel hook, no sink). */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  @Override
  public void tokenDone(int status, byte[] view, long[] sizes, Throwable error) {
    Token token = null;
    Throwable failure = error;
    if (status == 0) {
      try {
        token = make.make(view, sizes);
      } catch (RuntimeException e) {
        failure = e;
      }
    } else if (failure == null) {
      failure = M2mauthException.fromNative(status, new byte[0], new byte[0], false, 0, new byte[0], new byte[0],
          new byte[0], 0, 0);
    }
    if (failure instanceof M2mauthException) {
      failure = TokenClient.oauth((M2mauthException) failure);
    }
    Token t = token;
    Throwable f = failure;
    if (Thread.currentThread() == caller) {
      finish(t, f);
    } else {
      try {
        executor.execute(() -> finish(t, f));
      } catch (RuntimeException rejected) {
        finish(t, f); // a shut-down executor: complete here rather than never
      }
    }
  }

  private void finish(Token t, Throwable f) {
    if (f == null) {
      complete(t);
    } else {
      completeExceptionally(f);
    }
    if (own != null) {
      own.close();
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled && own != null) {
      own.cancel(); // ends the native wait; the callback then finds the future done and closes own
    }
    return cancelled;
  }
}
