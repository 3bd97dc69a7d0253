package io.m2mauth;

/** An argument was refused (M2MAUTH_EINVAL) or an input is over its size limit (M2MAUTH_ETOOLARGE). */
public class InvalidArgumentException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  InvalidArgumentException(Details d) {
    super(d);
  }
}
