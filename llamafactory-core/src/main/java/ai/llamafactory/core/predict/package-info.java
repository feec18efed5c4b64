/**
 * Prediction and evaluation with a DJL model: {@link ai.llamafactory.core.predict.Predictor} (LLaMA-Factory's
 * {@code do_predict} with {@code predict_with_generate}: {@code generated_predictions.jsonl} and BLEU-4/ROUGE in
 * {@code predict_results.json}), {@link ai.llamafactory.core.predict.PerplexityEvaluator} (perplexity of a dataset)
 * and {@link ai.llamafactory.core.predict.ModelChoiceScorer} (the model side of the few-shot multiple-choice
 * evaluator {@link ai.llamafactory.data.metrics.McqEvaluator}).
 */
package ai.llamafactory.core.predict;
