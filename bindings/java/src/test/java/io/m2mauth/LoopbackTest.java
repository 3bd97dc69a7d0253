package io.m2mauth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against the loopback servers of tests/servers ({@link LoopbackServers}), which
 * need Python with tests/servers/requirements.txt and Node.js with {@code npm ci} run there. Tagged
 * "loopback": the pom runs these with {@code -Ploopback} only (CTest does); a plain {@code mvn install}
 * runs the tests that start their own servers.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("loopback")
@ExtendWith(LoopbackServers.class)
@interface LoopbackTest {}
