/**
 * Exporting a fine-tuned model as a Hugging Face folder (sharded safetensors, {@code config.json},
 * {@code generation_config.json}, tokenizer files with the chat template) plus an Ollama {@code Modelfile}, as
 * {@code llamafactory-cli export} does.
 */
package ai.llamafactory.peft.export;
