/**
 * JSON text and float formatting exactly as Python writes them, so that files and strings produced on the JVM are
 * byte-identical to what LLaMA-Factory, transformers and PEFT produce for the same values.
 *
 * <p>{@link ai.llamafactory.data.json.PythonJson} is {@code json.dumps} (indent, sort_keys, ensure_ascii, separators,
 * default) plus a reader that keeps Python's int/float distinction; {@link ai.llamafactory.data.json.PythonFloats} is
 * {@code repr(float)}, {@code round(x, n)} and {@code f"{x:.nf}"}. This is the one implementation every module uses.
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.data.json;

import ai.llamafactory.api.annotation.Internal;
