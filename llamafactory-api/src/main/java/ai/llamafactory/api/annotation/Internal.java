package ai.llamafactory.api.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks code that is public only so that the project's modules can share it: not API, may change or disappear in any
 * release, and left out of the published javadoc. On a package ({@code package-info.java}) it covers every type of
 * the package; implementations registered with {@link java.util.ServiceLoader} (architectures, tuning methods), file
 * formats' internals and the command line's classes are marked so.
 *
 * <p>The build keeps the marks honest: {@code ArchitectureTest} (llamafactory-cli) checks that the packages marked
 * here are exactly those the aggregated javadoc ({@code javadoc/pom.xml}, profile {@code javadoc}) excludes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PACKAGE, ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Internal {}
