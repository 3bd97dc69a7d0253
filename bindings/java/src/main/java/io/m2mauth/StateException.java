package io.m2mauth;

/** The object does not allow the call now (category state: M2MAUTH_ESTATE), e.g. a setter after first use. */
public class StateException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  StateException(Details d) {
    super(d);
  }
}
