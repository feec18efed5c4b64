/**
 * Tokenizers: {@link ai.llamafactory.data.tokenizer.Tokenizer} is what templates and encoders need (text to ids and
 * back, special tokens, the Jinja {@code chat_template}); {@link ai.llamafactory.data.tokenizer.HfTokenizer} implements
 * it over Hugging Face's Rust tokenizers (through DJL) for a model folder holding {@code tokenizer.json} and
 * {@code tokenizer_config.json}. Nothing is ever truncated silently.
 */
package ai.llamafactory.data.tokenizer;
