package io.m2mauth;

/**
 * A configuration is not valid (M2MAUTH_ECONFIG): an unknown section, key or environment variable, a
 * wrong type, a value out of range, or a section a builder needs that is incomplete. The message names
 * the key (and the file or variable a secret should have come from), never a secret value.
 */
public class ConfigException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  ConfigException(Details d) {
    super(d);
  }
}
