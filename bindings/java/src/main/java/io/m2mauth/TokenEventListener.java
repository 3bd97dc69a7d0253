package io.m2mauth;

/**
 * Receives what a {@link TokenManager} does. Events never carry a token or a secret. They are delivered
 * in order on a thread of the manager's own (not the thread that fetched), so a listener may block, throw
 * or call the manager without holding up token delivery.
 */
@FunctionalInterface
public interface TokenEventListener {
  void onEvent(TokenEvent event);
}
