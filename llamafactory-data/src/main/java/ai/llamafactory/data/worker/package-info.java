/**
 * The data worker: {@link ai.llamafactory.data.worker.DefaultDataWorker}, the default {@link
 * ai.llamafactory.api.spi.DataWorker}, which ties tokenizer, chat template (with its audit), datasets and encoders
 * together and caches the encoded result on disk.
 *
 * <h2>Cache layout</h2>
 * A tokenized dataset (an automatic cache entry {@code <cache root>/<fingerprint>/}, or the {@code tokenized_path}
 * folder) holds {@code manifest.json} and one {@code split-N.bin} per split. The manifest names the format
 * ({@code llamafactory-tokenized}, version 1), the stage, the template, the fingerprint with the readable inputs it
 * was computed from, the dropped-row statistics, and for every split its name, record kind, record and token counts,
 * file size and CRC-32C. A split file is a header (magic {@code LFTD}, version, kind, count) followed by the records
 * as big-endian int arrays; labels that equal the ids after a {@code -100} prefix, attention masks of ones and
 * positions 0..n-1 are stored implicitly. Folders are written beside their final place and renamed into it; a folder
 * that fails any check (size, checksum, lengths, counts) is rebuilt with a warning.
 */
package ai.llamafactory.data.worker;
