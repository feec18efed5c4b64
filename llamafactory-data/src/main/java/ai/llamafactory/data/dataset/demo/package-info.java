/**
 * Demo datasets written for this project and bundled in the jar: {@code identity} (self-cognition with
 * {@code {{name}}}/{@code {{author}}} placeholders), {@code alpaca_en_demo} (instructions), {@code dpo_en_demo}
 * (preference pairs), {@code kto_en_demo} (judged answers) and {@code corpus_demo} (plain text for pre-training).
 */
package ai.llamafactory.data.dataset.demo;
