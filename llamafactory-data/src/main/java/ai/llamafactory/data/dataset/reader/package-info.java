/**
 * Readers that turn dataset files into rows: JSON (an array of objects, an object holding one, or JSON lines), JSON
 * lines, CSV, Parquet and plain text. Every reader streams: it holds one row (one Parquet row group) at a time, so a
 * corpus larger than memory can be read. Rows keep their file and line (or index) for messages.
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.annotation.Internal;
