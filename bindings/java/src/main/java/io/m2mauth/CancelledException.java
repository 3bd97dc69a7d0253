package io.m2mauth;

/** The operation was cancelled (category cancelled: M2MAUTH_ECANCELLED). */
public class CancelledException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  CancelledException(Details d) {
    super(d);
  }
}
