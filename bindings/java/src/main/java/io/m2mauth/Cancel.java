package io.m2mauth;

import io.m2mauth.internal.CancelHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import java.lang.ref.Reference;

/**
 * A cancel signal for calls in progress (m2mauth_cancel): pass it in {@link CallOptions} to any number of
 * calls; {@link #cancel()} from any thread stops them at once (a transfer in progress is aborted and its
 * connection closed, a wait for a token ends), and each throws {@link CancelledException}. Once cancelled
 * it stays so: use a new one for new calls. {@link #close()} releases it (a call using it keeps it until
 * that call returns); a Cleaner is the backstop.
 *
 * <pre>{@code
 * try (Cancel cancel = new Cancel()) {
 *   executor.schedule(cancel::cancel, 2, TimeUnit.SECONDS);   // or from a shutdown hook, a UI thread ...
 *   Response r = tokens.request(request, CallOptions.builder().cancel(cancel).build());
 * }
 * }</pre>
 */
public final class Cancel implements AutoCloseable {
  private final NativeResource<CancelHandle> res;
  private volatile boolean cancelledAtClose;

  public Cancel() {
    this.res = NativeResource.track(this, M2mauthNative.m2mauth_cancel_new(), CancelHandle::delete, "cancel signal");
  }

  /** Requests the cancel. Thread-safe and idempotent; does nothing once closed. */
  public void cancel() {
    CancelHandle h;
    try {
      h = res.acquire();
    } catch (IllegalStateException closed) {
      return;
    }
    try {
      M2mauthNative.m2mauth_cancel_request(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  /** True once {@link #cancel()} was called (also after close). */
  public boolean isCancelled() {
    CancelHandle h;
    try {
      h = res.acquire();
    } catch (IllegalStateException closed) {
      return cancelledAtClose;
    }
    try {
      return M2mauthNative.m2mauth_cancel_is_requested(h) != 0;
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  @Override
  public void close() {
    if (!res.isClosed()) {
      cancelledAtClose = isCancelled();
    }
    res.close();
  }

  /** The handle for one call; pair with {@link #release()}. IllegalStateException once closed. */
  CancelHandle acquire() {
    return res.acquire();
  }

  void release() {
    res.release();
    Reference.reachabilityFence(this);
  }

  @Override
  public String toString() {
    return res.isClosed() ? "Cancel[closed]" : "Cancel[" + (isCancelled() ? "cancelled" : "not cancelled") + "]";
  }
}
