package io.m2mauth;

/** Reading or writing a file failed (category io: M2MAUTH_EIO). */
public class FileException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  FileException(Details d) {
    super(d);
  }
}
