/**
 * Prediction metrics and benchmark evaluation with LLaMA-Factory's semantics, in pure Java.
 *
 * <ul>
 *   <li>{@link ai.llamafactory.data.metrics.Bleu}: sentence BLEU-4 as NLTK's {@code sentence_bleu} computes it with
 *       {@code SmoothingFunction().method3}, on characters as LLaMA-Factory feeds it.</li>
 *   <li>{@link ai.llamafactory.data.metrics.Rouge}: ROUGE-1/2/L precision, recall and F as the {@code rouge_chinese}
 *       package computes them on space-joined tokens.</li>
 *   <li>{@link ai.llamafactory.data.metrics.JiebaTokenizer}: Python jieba's default {@code jieba.cut} (accurate mode
 *       with HMM) on jieba's own dictionary.</li>
 *   <li>{@link ai.llamafactory.data.metrics.SimilarityMetrics}: the per-sample scores and averages LLaMA-Factory
 *       reports as {@code predict_bleu-4}, {@code predict_rouge-1}, {@code predict_rouge-2} and
 *       {@code predict_rouge-l}.</li>
 *   <li>{@link ai.llamafactory.data.metrics.GeneratedPredictionsWriter}: {@code generated_predictions.jsonl} and
 *       {@code predict_results.json} byte for byte as the Python side writes them.</li>
 *   <li>{@link ai.llamafactory.data.metrics.McqEvaluator}: the few-shot multiple-choice benchmark evaluator (MMLU,
 *       C-Eval, CMMLU style) over any {@link ai.llamafactory.data.metrics.ChoiceScorer}, writing
 *       {@code results.json} and {@code results.log}.</li>
 * </ul>
 *
 * <p>Where Python's arithmetic decides a printed number (rounding with {@code round}, numpy's pairwise summation in
 * {@code np.mean}, {@code math.fsum}, {@code repr} of floats), the same operations are reproduced so that the
 * numbers agree to the last bit, not only to a tolerance.
 */
package ai.llamafactory.data.metrics;
