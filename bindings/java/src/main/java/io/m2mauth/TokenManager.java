package io.m2mauth;

import io.m2mauth.internal.CancelHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeCallbacks;
import io.m2mauth.internal.NativeRef;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.ReadGate;
import io.m2mauth.internal.TokenManagerHandle;
import io.m2mauth.internal.TokenManagerOptionsStruct;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Caches a {@link TokenClient}'s token for any number of threads: one token request at a time, refreshed
 * ahead of expiry (on a thread of the library's own unless {@link ManagerOptions.Builder#callerRefresh}),
 * backing off after failures, and attached to requests.
 *
 * <pre>{@code
 * try (TokenManager tokens = TokenManager.create(client)) {
 *   Token t = tokens.token();                          // cached; fetched on first use
 *   Response r = tokens.request(Request.get(apiUrl));  // Authorization added; one retry after a 401
 * }
 * }</pre>
 *
 * <p>Failures to obtain a token throw {@link OAuth2Exception} (server side) or {@link NetworkException}.
 * Thread-safe. {@link #close()} stops the refresh; calls in flight finish first, later ones throw
 * IllegalStateException. Events (fetched, refreshed, failed, ...) go to the platform logger
 * {@code m2mauth} ({@link System.Logger}: DEBUG, and WARNING for failures) and to a
 * {@link TokenEventListener}, on a thread of the manager's own.
 *
 * <p>With the JDK's HTTP client: {@link #send} and {@link #sendAsync} attach the token and retry once
 * on 401; {@link #tokenAsync()} reads the token without blocking.
 */
public final class TokenManager implements AutoCloseable {
  private final NativeResource<TokenManagerHandle> res;
  /** The reads of the library's counters that token() makes without a native call (fresh). */
  private final ReadGate gate = new ReadGate();
  private final Events events;
  private final String clientId;
  /**
   * An acquire load of a key's generation counter, 8 bytes of the library's memory in a direct buffer;
   * also the atomic add of a reuse-hit counter (countHit).
   */
  private static final VarHandle COUNTER =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  /**
   * A token token() returned, with what the library said about returning it again (m2mauth_token_view
   * version 2): while the system clock is before freshUntil and the key's generation counter still reads
   * seen, it is the library's current token for its key, returned without a native call. The counter
   * changes whenever the key's token is replaced or invalidated, from any thread or language.
   */
  private static final class Snapshot {
    final Token token;
    final long freshUntil; // Unix ms; 0: never returned without asking the library (e.g. cache-hit events)
    final long counterAddress;
    final ByteBuffer counter; // over the counter at counterAddress; null: no reuse
    final long seen;
    /**
     * The key's reuse-hit counters (m2mauth_token_view version 3): hitMask + 1 of them (a power of two),
     * hitStride bytes apart; null: none.
     */
    final ByteBuffer hits;
    final int hitMask;
    final int hitStride;

    Snapshot(Token token, long freshUntil, long counterAddress, ByteBuffer counter, long seen, ByteBuffer hits,
        int hitMask, int hitStride) {
      this.token = token;
      this.freshUntil = freshUntil;
      this.counterAddress = counterAddress;
      this.counter = counter;
      this.seen = seen;
      this.hits = hits;
      this.hitMask = hitMask;
      this.hitStride = hitStride;
    }
  }

  /** The configured key's token that token() returned last. */
  private volatile Snapshot last;
  /** The other keys' (at most the manager's maxKeys: only keys read successfully are added). */
  private final ConcurrentHashMap<TokenScope, Snapshot> keys = new ConcurrentHashMap<>();
  /** The DPoP key send and sendAsync prove with (sendKey): null until read, empty without DPoP. */
  private final AtomicReference<Optional<DPoP>> sendKey = new AtomicReference<>();

  private TokenManager(TokenManagerHandle h, Events events, String clientId) {
    this.events = events;
    this.clientId = clientId;
    // The free action references neither this object nor anything that does (Cleaner rule).
    this.res = NativeResource.track(this, h, handle -> {
      handle.delete(); // joins the refresh thread (no callback after this) and releases the event sink
      events.shutdown();
    }, "token manager");
  }

  /**
   * Wraps a native manager made elsewhere (Config): owns h; events (to listener if any, and to the
   * default options' logger) as with create().
   */
  static TokenManager adopt(TokenManagerHandle h, String clientId, TokenEventListener listener) {
    ManagerOptions d = ManagerOptions.defaults();
    TokenManager manager = new TokenManager(h, new Events(clientId, d.eventQueueCapacity, d.logger), clientId);
    try {
      manager.installEvents(listener);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return manager;
  }

  /** A manager over client with the default options. */
  public static TokenManager create(TokenClient client) {
    return create(client, ManagerOptions.defaults());
  }

  /** A manager over client (which it keeps working even if client is closed). Nothing is fetched yet. */
  public static TokenManager create(TokenClient client, ManagerOptions options) {
    Objects.requireNonNull(client, "client");
    ManagerOptions o = options == null ? ManagerOptions.defaults() : options;
    TokenManagerOptionsStruct n = o.toNative();
    TokenManagerHandle h;
    try {
      // The native manager keeps the client (and its clock) alive.
      h = client.use(c -> M2mauthNative.m2mauth_token_manager_new(c, n));
    } finally {
      n.delete();
    }
    TokenManager manager = new TokenManager(h, new Events(client.clientId(), o.eventQueueCapacity, o.logger),
        client.clientId());
    try {
      if (o.idempotencyHeader != null) {
        manager.setIdempotencyHeader(o.idempotencyHeader);
      }
      manager.installEvents(o.listener);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return manager;
  }

  /**
   * The current token for the client's configured scope: the cached one, or the one being fetched
   * (waiting at most the wait timeout). After a failure the same exception is thrown until its backoff
   * ends ({@link OAuth2Exception#getRetryAfter()}).
   *
   * <p>While the token returned before is still the library's current one for its key (the library says
   * how long it stays fresh and exposes a counter that changes on every refresh or invalidation, from any
   * thread), the same {@link Token} object is returned without any native call. Otherwise it reads the
   * library's cached view (m2mauth_token_manager_get_with), scheme, access token and granted scope
   * copied within the one native call that makes it. With
   * {@link ManagerOptions.Builder#reportCacheHits} every read is a native one (each emits its event).
   */
  public Token token() {
    return token(null, null);
  }

  /**
   * An RFC 8693 token exchange through this manager's cache: one key per distinct exchange (the SHA-256 of
   * the subject and actor tokens and every parameter; counted in maxKeys), refreshed and backed off like any
   * key, served no longer than the subject token's exp when it is a JWT.
   */
  public ExchangedToken exchange(TokenExchange exchange) {
    return exchange(exchange, null);
  }

  /** The same, the wait bounded and cancellable by options (null: none). */
  public ExchangedToken exchange(TokenExchange exchange, CallOptions options) {
    CallOptions o = CallOptions.orNone(options);
    io.m2mauth.internal.TokenExchangeHandle x = Objects.requireNonNull(exchange, "exchange").toNative();
    try {
      return TokenClient.oauth(() -> o.run((timeoutMs, deadlineMs, cancel) -> use(h -> ExchangedToken.take(
          io.m2mauth.internal.M2mauthNative.m2mauth_glue_token_manager_exchange_with(h, x, timeoutMs, deadlineMs,
              cancel)))));
    } finally {
      x.delete();
    }
  }

  /** {@link #token()} with the wait bounded and cancellable by options (the refresh goes on for others). */
  public Token token(CallOptions options) {
    return token(null, options);
  }

  /** The token for another key (scope, audience, resource); see {@link #token(TokenScope, CallOptions)}. */
  public Token token(TokenScope key) {
    return token(Objects.requireNonNull(key, "key"), null);
  }

  /**
   * The token for key (null: the configured one), read through the library's cached view
   * (m2mauth_token_manager_get_for_with), the wait bounded and cancellable by options (null: none).
   * For another key the view carries no granted scope: {@link Token#scope()} is key's; its
   * {@link Token#tokenType()} is the scheme the manager sends ("Bearer" or "DPoP").
   */
  public Token token(TokenScope key, CallOptions options) {
    Token cached = cached(key == null ? last : keys.get(key), options);
    if (cached != null) {
      return cached;
    }
    CallOptions o = CallOptions.orNone(options);
    return TokenClient.oauth(() -> o.run((timeoutMs, deadlineMs, cancel) ->
        use(h -> read(h, key, timeoutMs, deadlineMs, cancel))));
  }

  /** The view of key copied out in one native call (m2mauth_glue_token_manager_read); buffers wiped. */
  private Token read(TokenManagerHandle h, TokenScope key, long timeoutMs, long deadlineMs, CancelHandle cancel) {
    byte[] buf = new byte[1024];
    // scheme length, access token length, expiry (Unix ms), fresh until (Unix ms), counter address, counter,
    // granted scope length, reuse-hit counters' address, count, stride
    long[] sizes = new long[10];
    try {
      for (;;) {
        M2mauthNative.m2mauth_glue_token_manager_read(h, key == null ? 0 : 1, key == null ? null : key.scope(),
            key == null ? null : key.audience(), key == null ? null : key.resource(), timeoutMs, deadlineMs, cancel,
            buf, sizes);
        long n = sizes[0] + sizes[1] + sizes[6];
        if (n <= buf.length) {
          break;
        }
        Arrays.fill(buf, (byte) 0);
        buf = new byte[Math.toIntExact(n)]; // nothing was copied: read again with room (a newer token is fine)
      }
      return key != null ? another(key, buf, sizes) : configured(buf, sizes);
    } finally {
      Arrays.fill(buf, (byte) 0);
    }
  }

  /**
   * The configured key's token from one read of its view (scheme, access token and granted scope one
   * after the other in view, lengths in sizes[0], [1], [6]; the blocking read and tokenAsync's completion
   * give the same layout): the Token returned before if it is the same, and the snapshot recorded for reuse.
   */
  private Token configured(byte[] view, long[] sizes) {
    int schemeLen = (int) sizes[0];
    int tokenLen = (int) sizes[1];
    Snapshot before = last;
    Token t;
    if (before != null && before.token.expiresAt().toEpochMilli() == sizes[2]
        && before.token.sameAccessToken(view, schemeLen, tokenLen)) {
      t = before.token;
    } else {
      // A token not returned before, with the granted scope, all from the one read.
      t = Token.fromView(new String(view, schemeLen, tokenLen, StandardCharsets.UTF_8),
          new String(view, 0, schemeLen, StandardCharsets.UTF_8),
          new String(view, schemeLen + tokenLen, (int) sizes[6], StandardCharsets.UTF_8), sizes[2]);
    }
    last = snapshot(t, sizes, before);
    return t;
  }

  /**
   * Another key's token from one read of its view (the layout of {@link #configured}), with the scope the
   * server granted. Records the key's snapshot.
   */
  private Token another(TokenScope key, byte[] view, long[] sizes) {
    int schemeLen = (int) sizes[0];
    int tokenLen = (int) sizes[1];
    Token t = Token.fromView(new String(view, schemeLen, tokenLen, StandardCharsets.UTF_8),
        new String(view, 0, schemeLen, StandardCharsets.UTF_8),
        new String(view, schemeLen + tokenLen, (int) sizes[6], StandardCharsets.UTF_8), sizes[2]);
    keys.put(key, snapshot(t, sizes, keys.get(key)));
    return t;
  }

  /** {@link #tokenAsync(CallOptions, Executor)} without bounds, completing on the common pool. */
  public CompletableFuture<Token> tokenAsync() {
    return tokenAsync(null, ForkJoinPool.commonPool());
  }

  /** {@link #tokenAsync(CallOptions, Executor)} completing on the common pool. */
  public CompletableFuture<Token> tokenAsync(CallOptions options) {
    return tokenAsync(options, ForkJoinPool.commonPool());
  }

  /**
   * The configured key's token without blocking the calling thread, over the library's completion
   * callback (m2mauth_token_manager_get_async): no thread is parked while the token is fetched. A token
   * that can be returned at once (the same one {@link #token()} would return without waiting, or a
   * failure still in its backoff) comes back as an already completed future, on this thread. Otherwise
   * the future completes on executor (never on the library's own thread, so stages chained on it may
   * block or even close this manager). Failures complete it exceptionally with what {@link #token()}
   * would throw ({@link OAuth2Exception}, {@link NetworkException}, {@link CancelledException},
   * {@link NetworkTimeoutException}); closing the manager completes pending futures with
   * {@link CancelledException}.
   *
   * <p>options bound the wait (timeout, deadline) and may carry a {@link Cancel}; without one,
   * {@code future.cancel(true)} ends the native wait as well (the refresh itself goes on for others).
   * A pending call keeps this manager from being collected until it completes.
   */
  public CompletableFuture<Token> tokenAsync(CallOptions options, Executor executor) {
    return tokenAsync(null, options, executor);
  }

  /** {@link #tokenAsync(TokenScope, CallOptions, Executor)} without bounds, completing on the common pool. */
  public CompletableFuture<Token> tokenAsync(TokenScope key) {
    return tokenAsync(Objects.requireNonNull(key, "key"), null, ForkJoinPool.commonPool());
  }

  /** {@link #tokenAsync(TokenScope, CallOptions, Executor)} completing on the common pool. */
  public CompletableFuture<Token> tokenAsync(TokenScope key, CallOptions options) {
    return tokenAsync(Objects.requireNonNull(key, "key"), options, ForkJoinPool.commonPool());
  }

  /**
   * {@link #token(TokenScope, CallOptions)} without blocking the calling thread: the token for key (null:
   * the configured one, as {@link #tokenAsync(CallOptions, Executor)}) over the library's completion
   * callback (m2mauth_token_manager_get_for_async), with the same rules as
   * {@link #tokenAsync(CallOptions, Executor)}: a token {@code token(key)} would return without waiting
   * comes back as a completed future; otherwise the future completes on executor; failures, bounds,
   * {@code future.cancel} and closing the manager work alike. The token's {@link Token#scope()} is key's.
   */
  public CompletableFuture<Token> tokenAsync(TokenScope key, CallOptions options, Executor executor) {
    Objects.requireNonNull(executor, "executor");
    Token cached = cached(key == null ? last : keys.get(key), options);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    CallOptions o = CallOptions.orNone(options);
    Cancel own = o.cancel == null ? new Cancel() : null;
    CallOptions bound = own == null ? o : o.withCancel(own);
    PendingToken pending = new PendingToken(key == null ? this::configured : (view, sizes) -> another(key, view, sizes),
        executor, own);
    pending.caller = Thread.currentThread();
    try {
      TokenClient.oauth(() -> bound.run((timeoutMs, deadlineMs, cancel) -> use(h -> {
        // The library owns the reference from here: it completes pending once, then releases it.
        if (key == null) {
          M2mauthNative.m2mauth_glue_token_manager_get_async(h, timeoutMs, deadlineMs, cancel,
              NativeRef.handOver(pending));
        } else {
          M2mauthNative.m2mauth_glue_token_manager_get_for_async(h, key.scope(), key.audience(), key.resource(),
              timeoutMs, deadlineMs, cancel, NativeRef.handOver(pending));
        }
        return null;
      })));
    } catch (RuntimeException e) {
      if (own != null) {
        own.close();
      }
      throw e; // refused before any callback (closed manager, bad options): no future to complete
    } finally {
      pending.caller = null;
    }
    return pending;
  }

  /**
   * t with the reuse fields of its view (sizes[3..5], [7..9]); the buffers taken from before if the same
   * key's (the counters of a key never move).
   */
  private static Snapshot snapshot(Token t, long[] sizes, Snapshot before) {
    long freshUntil = sizes[3];
    long address = sizes[4];
    if (freshUntil == 0 || address == 0) {
      return new Snapshot(t, 0, 0, null, 0, null, 0, 0);
    }
    boolean same = before != null && before.counterAddress == address;
    ByteBuffer counter = same ? before.counter : M2mauthNative.m2mauth_glue_memory_buffer(address, Long.BYTES);
    // The glue gives sizes[7..9] only when they are sane, else 0: a null buffer then.
    ByteBuffer hits = same ? before.hits : M2mauthNative.m2mauth_glue_memory_buffer(sizes[7], sizes[8] * sizes[9]);
    return new Snapshot(t, freshUntil, address, counter, sizes[5], hits, hits == null ? 0 : (int) sizes[8] - 1,
        (int) sizes[9]);
  }

  /** s's token if it may be returned without a native call (and options' cancel is not requested), else null. */
  private Token cached(Snapshot s, CallOptions options) {
    boolean cancelled = options != null && options.cancel != null && options.cancel.isCancelled();
    return s != null && !cancelled && fresh(s) ? s.token : null;
  }

  /**
   * Whether s may be returned without a native call: before its freshUntil by the system clock and its
   * counter unchanged; if so, counted as a cache hit of its key (countHit), as the library asks
   * (m2mauth_token_view version 3). The counters are touched inside the read gate, so close cannot free
   * them meanwhile, and threads on different cores write no word in common; a closed manager is never
   * fresh (the native path then throws).
   */
  private boolean fresh(Snapshot s) {
    if (s.counter == null || System.currentTimeMillis() >= s.freshUntil) {
      return false;
    }
    // Thread ids count up from 1, so the threads of a pool get different gate slots and hit counters
    // (a hash would put two threads on one counter in a quarter of the cases with 4 counters).
    @SuppressWarnings("deprecation") // threadId() is Java 19; getId() is the same number
    int h = (int) Thread.currentThread().getId() & 0x7fffffff;
    int in = gate.enter(h);
    if (in < 0) {
      return false;
    }
    try {
      if ((long) COUNTER.getAcquire(s.counter, 0) != s.seen) {
        return false;
      }
      if (s.hits != null) {
        countHit(s, h);
      }
      return true;
    } finally {
      gate.exit(in);
      Reference.reachabilityFence(this);
    }
  }

  /**
   * One hit of s's key, in the counter the calling thread's id h picks (threads mostly bump different
   * cache lines): an atomic add, which stats() sums.
   */
  private static void countHit(Snapshot s, int h) {
    long unused = (long) COUNTER.getAndAdd(s.hits, (h & s.hitMask) * s.hitStride, 1L);
  }

  /** What this manager observed for its configured key (see {@link TokenStats}). */
  public TokenStats stats() {
    for (TokenStats s : statsAll()) {
      if (s.configured()) {
        return s;
      }
    }
    throw new IllegalStateException("no configured key in the stats");
  }

  /**
   * The stats of key, looked up as {@link #token(TokenScope)} reads it, without adding it.
   *
   * @throws NotFoundException for a key this manager never read
   */
  public TokenStats stats(TokenScope key) {
    Objects.requireNonNull(key, "key");
    return TokenStats.allOf(use(h -> M2mauthNative.m2mauth_token_manager_stats_for_json(h, key.scope(),
        key.audience(), key.resource()))).get(0);
  }

  /** The stats of every key this manager read, the configured key first. */
  public java.util.List<TokenStats> statsAll() {
    return TokenStats.allOf(use(M2mauthNative::m2mauth_token_manager_stats_json));
  }

  /** Drops the cached token if it is still token (e.g. after an API answered 401 to it). */
  public void invalidate(Token token) {
    invalidate(Objects.requireNonNull(token, "token").accessToken());
  }

  /** Drops the cached token if it is still accessToken; null drops whatever is cached. */
  public void invalidate(String accessToken) {
    use(h -> {
      M2mauthNative.m2mauth_token_manager_invalidate(h, accessToken);
      return null;
    });
  }

  /** request with "Authorization: &lt;scheme&gt; &lt;token&gt;" set (a new value; request is unchanged). */
  public Request authorize(Request request) {
    return TokenClient.oauth(() -> NativeRequests.with(request, r -> use(h -> {
      M2mauthNative.m2mauth_token_manager_authorize(h, r);
      return NativeRequests.read(r);
    })));
  }

  /**
   * Authorizes request and sends it through the client's transport; on 401 invalidates that token and
   * retries once with a new one. Returns the response whatever its status.
   */
  public Response request(Request request) {
    return TokenClient.oauth(() -> NativeRequests.with(request,
        r -> use(h -> NativeRequests.take(M2mauthNative.m2mauth_token_manager_request(h, r)))));
  }

  /**
   * The same, bounded and cancellable by options: the timeout or deadline bounds the whole call (the wait
   * for a token and the sends); a {@link Cancel} ends the wait or aborts the transfer in progress
   * ({@link CancelledException}).
   */
  public Response request(Request request, CallOptions options) {
    CallOptions o = CallOptions.orNone(options);
    return TokenClient.oauth(() -> NativeRequests.with(request, r -> o.run((timeoutMs, deadlineMs, cancel) ->
        use(h -> NativeRequests.take(
            M2mauthNative.m2mauth_glue_token_manager_request_with(h, r, timeoutMs, deadlineMs, cancel))))));
  }

  /**
   * The DPoP proof key of this manager's client ({@link TokenClient.Builder#dpop(DPoP)}, or a configuration's
   * {@code oauth2.dpop_key}), sharing the key and the nonces it remembers; null without DPoP. A new object each
   * call: close it when done. {@link #send} and {@link #sendAsync} prove with the same key.
   */
  public DPoP dpop() {
    return use(h -> DPoP.adopt(M2mauthNative.m2mauth_token_manager_dpop(h)));
  }

  /** The key send and sendAsync prove with: read once (empty: no DPoP), released with the manager. */
  Optional<DPoP> sendKey() {
    Optional<DPoP> k = sendKey.get();
    if (k == null) {
      k = Optional.ofNullable(dpop());
      if (!sendKey.compareAndSet(null, k)) {
        k.ifPresent(DPoP::close);
        k = sendKey.get();
      }
    }
    return k;
  }

  /**
   * Sends request with the JDK's {@link HttpClient} and this manager's token: sets
   * {@code Authorization: <scheme> <token>} (replacing any value the builder has), and when the API
   * answers 401, drops that token ({@link #invalidate(Token)}: the next read fetches a new one unless
   * another thread already did), discards the 401's body and sends once more with the new token. Returns
   * the response whatever its status, as {@link HttpClient#send} does.
   *
   * <pre>{@code
   * HttpResponse<String> r = tokens.send(httpClient,
   *     HttpRequest.newBuilder(URI.create(apiUrl)).timeout(Duration.ofSeconds(10)),
   *     HttpResponse.BodyHandlers.ofString());
   * }</pre>
   *
   * <p>The builder is copied when the call starts (each try builds from that copy, so the caller may
   * reuse or change it at once); a retried request is sent again with the same body publisher, which
   * must therefore be able to publish twice, as all of {@link HttpRequest.BodyPublishers} do except
   * {@code ofInputStream} over a supplier that returns the same stream. Headers such as an idempotency
   * key are the caller's to set on the builder (both tries carry them); {@link #setIdempotencyHeader}
   * applies to {@link #request} only.
   *
   * <p>DPoP (RFC 9449): a DPoP-bound token goes out as {@code Authorization: DPoP <token>} with a
   * {@code DPoP} header, a fresh proof of the manager's key ({@link #dpop()}) for the request's method and
   * URI, with {@code ath} and the origin's newest nonce. Every answer's {@code DPoP-Nonce} is remembered, and
   * a {@code use_dpop_nonce} challenge is answered by one more send with the same token and a new proof (not
   * a new token). At most one send of each kind: a server that asks for a new nonce every time gets two.
   *
   * @throws OAuth2Exception when the token server refuses (as {@link #token()}; a {@link NetworkException}
   *     when it cannot be reached)
   * @throws IOException as {@link HttpClient#send}
   * @throws InterruptedException as {@link HttpClient#send}
   */
  public <T> HttpResponse<T> send(HttpClient client, HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return HttpClientSend.send(this, client, request, handler);
  }

  /**
   * {@link #send} without blocking: the token comes from {@link #tokenAsync()} (no thread waits for a
   * fetch) and the request goes through {@link HttpClient#sendAsync}; a 401 invalidates the token and
   * sends once more with a new one. The future fails with what {@link #token()} would throw when no token
   * can be had, or with the client's exception.
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient client, HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> handler) {
    return HttpClientSend.sendAsync(this, client, request, handler);
  }

  /**
   * Makes {@link #request} add header name with a fresh UUID v4 to every request that lacks it (the 401
   * retry keeps the value); null or "" turns it off. Call before the manager is shared between threads.
   */
  public void setIdempotencyHeader(String name) {
    use(h -> {
      M2mauthNative.m2mauth_token_manager_set_idempotency_header(h, name);
      return null;
    });
  }

  /** Sends events to listener from now on (null: none). */
  public void setEventListener(TokenEventListener listener) {
    use(h -> {
      events.listener = listener;
      return null;
    });
  }

  /** Events handed to the delivering thread so far (those the listener or the logger wanted; tests). */
  long queuedEvents() {
    return events.queued.get();
  }

  /** The event sink, always installed: the m2mauth logger may want events without any listener. */
  private void installEvents(TokenEventListener listener) {
    EventLog.init();
    use(h -> {
      events.listener = listener;
      events.install(h);
      return null;
    });
  }

  /** Events not delivered because the listener's queue was full. */
  public long droppedEvents() {
    return events.dropped.get();
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  /** Stops the background refresh (cancelling a request in flight) and releases the manager. */
  @Override
  public void close() {
    gate.close(); // no token() read touches the library's counters past this
    res.close();
    Optional<DPoP> k = sendKey.getAndSet(Optional.empty());
    if (k != null) {
      k.ifPresent(DPoP::close);
    }
  }

  @Override
  public String toString() {
    return res.isClosed() ? "TokenManager[closed]" : "TokenManager[" + clientId + "]";
  }

  private <T> T use(Function<TokenManagerHandle, T> f) {
    TokenManagerHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  /**
   * The event path: the library calls {@link #tokenEvent} on whatever thread fetched (possibly its own
   * refresh thread, attached to the JVM for the call). Unless the listener or the {@code m2mauth} logger
   * ({@link EventLog}) wants the event, it returns at once; otherwise it only queues the event for a
   * single daemon thread that logs it and calls the listener, so a slow or re-entrant listener or log
   * handler never holds up token delivery, and a listener that closes the manager cannot make the
   * refresh thread wait for itself. Installed natively when the manager is made (the logger is always
   * there); the listener may change at any time. The delivering thread ends after 30 s without events.
   */
  private static final class Events implements NativeCallbacks.TokenEventSink {
    private final String clientId;
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();
    /** Events handed to the delivering thread (not those nobody wanted). */
    final AtomicLong queued = new AtomicLong();
    volatile TokenEventListener listener;
    /** ManagerOptions.logger: the m2mauth logger by default, null for none. */
    private final System.Logger logger;
    private boolean installed;
    private ThreadPoolExecutor executor;

    Events(String clientId, int capacity, System.Logger logger) {
      this.clientId = clientId;
      this.capacity = capacity;
      this.logger = logger;
    }

    synchronized void install(TokenManagerHandle h) {
      if (installed) {
        return;
      }
      ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "m2mauth-token-events-" + clientId);
            t.setDaemon(true);
            return t;
          }, (r, e) -> dropped.incrementAndGet());
      ex.allowCoreThreadTimeOut(true);
      try {
        // The native manager owns the reference (released when it is freed, or at once on failure).
        M2mauthNative.m2mauth_glue_token_manager_set_events(h, NativeRef.handOver(this));
      } catch (RuntimeException e) {
        ex.shutdown();
        throw e;
      }
      executor = ex;
      installed = true;
    }

    @Override
    public void tokenEvent(int kind, String clientId, String scope, long expiresAtMillis, int errorCode,
        int httpStatus, boolean transientError, long retryAfterMillis, String oauthError, long durationMillis) {
      TokenEvent.Kind k = TokenEvent.Kind.fromId(kind);
      if (k == null) {
        return;
      }
      System.Logger.Level level = EventLog.wanted(logger, k, errorCode);
      if (level == null && listener == null) {
        return;
      }
      ThreadPoolExecutor ex;
      synchronized (this) {
        ex = executor;
      }
      if (ex == null) {
        return;
      }
      TokenEvent ev = new TokenEvent(k, clientId, scope, expiresAtMillis, errorCode, httpStatus, transientError,
          retryAfterMillis, oauthError, durationMillis);
      queued.incrementAndGet();
      ex.execute(() -> {
        if (level != null) {
          try {
            EventLog.log(logger, level, ev);
          } catch (RuntimeException e) {
            // a log backend's failure is its own
          }
        }
        TokenEventListener l = listener;
        if (l != null) {
          try {
            l.onEvent(ev);
          } catch (RuntimeException e) {
            // a listener's failure is its own
          }
        }
      });
    }

    /** After the native manager is gone: no more events arrive; queued ones are still delivered. */
    synchronized void shutdown() {
      if (executor != null) {
        executor.shutdown();
      }
    }
  }
}
