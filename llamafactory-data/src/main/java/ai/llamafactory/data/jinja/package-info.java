/**
 * A compact interpreter of the Jinja2 subset that Hugging Face chat templates use, rendering exactly as transformers
 * does ({@code ImmutableSandboxedEnvironment} with {@code trim_blocks}, {@code lstrip_blocks}, loop controls,
 * {@code raise_exception}, {@code strftime_now} and transformers' {@code tojson}). Values follow Python semantics:
 * strings have Python's string methods, lists support negative indices and slices such as {@code messages[::-1]},
 * {@code namespace(...)} objects can be assigned across scopes.
 *
 * <p>Entry point: {@link ai.llamafactory.data.jinja.JinjaTemplate}.
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.data.jinja;

import ai.llamafactory.api.annotation.Internal;
