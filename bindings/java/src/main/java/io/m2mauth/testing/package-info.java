/**
 * A token-endpoint test double for tests of code that uses OAuth 2.0: {@link io.m2mauth.testing.TokenServer}
 * and its JUnit 5 extension {@link io.m2mauth.testing.TokenServerExtension}.
 */
package io.m2mauth.testing;
