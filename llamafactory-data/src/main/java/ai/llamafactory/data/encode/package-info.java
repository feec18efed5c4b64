/**
 * Turning aligned examples into model inputs for each stage, exactly as LLaMA-Factory's processors do. Plain
 * {@code int[]}/{@code long[]} arrays only (no tensors).
 *
 * <table>
 * <caption>Encoder per training stage</caption>
 * <tr><th>stage</th><th>encoder</th><th>output</th><th>collation</th></tr>
 * <tr><td>pt</td><td>{@link ai.llamafactory.data.encode.PretrainEncoder}</td>
 *     <td>{@link ai.llamafactory.api.data.EncodedSequence} (packed blocks by default)</td>
 *     <td>{@link ai.llamafactory.data.encode.BatchCollator#collate}</td></tr>
 * <tr><td>sft</td><td>{@link ai.llamafactory.data.encode.SupervisedEncoder} (+ {@link
 *     ai.llamafactory.data.encode.SequencePacker} with packing / neat packing)</td>
 *     <td>{@link ai.llamafactory.api.data.EncodedSequence}</td>
 *     <td>{@link ai.llamafactory.data.encode.BatchCollator#collate}</td></tr>
 * <tr><td>rm, dpo</td><td>{@link ai.llamafactory.data.encode.PairwiseEncoder}</td>
 *     <td>{@link ai.llamafactory.data.encode.PairwiseExample}</td>
 *     <td>{@link ai.llamafactory.data.encode.BatchCollator#collatePairs} (chosen rows, then rejected rows)</td></tr>
 * <tr><td>kto</td><td>{@link ai.llamafactory.data.encode.FeedbackEncoder}</td>
 *     <td>{@link ai.llamafactory.data.encode.KtoExample}</td>
 *     <td>{@link ai.llamafactory.data.encode.BatchCollator#collateKto}</td></tr>
 * <tr><td>ppo, prediction</td><td>{@link ai.llamafactory.data.encode.UnsupervisedEncoder}</td>
 *     <td>{@link ai.llamafactory.data.encode.PromptExample}</td>
 *     <td>{@link ai.llamafactory.data.encode.BatchCollator#collatePrompts} (left padding)</td></tr>
 * </table>
 *
 * <p>Encoders are thread-safe; {@code encodeAll(examples, threads)} encodes on several threads and reports every
 * dropped example with its reason. The tokenizer passed in must be the one returned by
 * {@link ai.llamafactory.data.template.ChatTemplate#fixSpecialTokens}.
 */
package ai.llamafactory.data.encode;
