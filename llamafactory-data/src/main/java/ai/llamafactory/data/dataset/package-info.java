/**
 * Datasets in LLaMA-Factory's layout: {@code dataset_info.json} ({@link ai.llamafactory.data.dataset.DatasetRegistry},
 * {@link ai.llamafactory.data.dataset.DatasetInfo}), local files in json, jsonl, csv, parquet or txt, conversion of
 * alpaca, sharegpt and openai rows to {@link ai.llamafactory.data.AlignedExample}, and mixing and splitting of several
 * datasets ({@link ai.llamafactory.data.dataset.DatasetLoader}).
 *
 * <p>Snake_case keys appear only where JSON is read; inside, configuration is held in records and enums. Every row
 * that is dropped is counted by reason in a {@link ai.llamafactory.data.dataset.LoadReport}.
 *
 * <p>Demo datasets written for this project are bundled in the jar ({@link ai.llamafactory.data.dataset.DemoDatasets}):
 * {@code identity} (self-cognition with {@code {{name}}}/{@code {{author}}} placeholders, filled by
 * {@link ai.llamafactory.data.dataset.IdentityPlaceholders}), {@code alpaca_en_demo} (instructions),
 * {@code dpo_en_demo} (preference pairs), {@code kto_en_demo} (judged answers) and {@code corpus_demo} (plain text
 * for pre-training).
 */
package ai.llamafactory.data.dataset;
