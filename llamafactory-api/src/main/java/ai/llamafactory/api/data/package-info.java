/**
 * Encoded training data as the trainers consume it, without any engine type: the {@link
 * ai.llamafactory.api.data.PreparedData} a {@link ai.llamafactory.api.spi.DataWorker} returns, its {@link
 * ai.llamafactory.api.data.EncodedSplit}s, and one record type per stage family ({@link
 * ai.llamafactory.api.data.EncodedSequence} for pt/sft, {@link ai.llamafactory.api.data.EncodedPair} for rm/dpo,
 * {@link ai.llamafactory.api.data.EncodedFeedback} for kto, {@link ai.llamafactory.api.data.EncodedPrompt} for
 * generation and ppo). Token ids are plain {@code int[]} arrays; labels use {@value
 * ai.llamafactory.api.data.EncodedRecord#IGNORE_INDEX} where no loss is taken.
 */
package ai.llamafactory.api.data;
