/** Model configuration read from Hugging Face {@code config.json} files, in both the current and legacy layouts. */
package ai.llamafactory.core.config;
