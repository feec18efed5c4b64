/**
 * Immutable configuration values built with builders or read from LLaMA-Factory YAML files. Enums hold every choice;
 * LLaMA-Factory's snake_case keys appear only where files are read and written.
 */
package ai.llamafactory.api.config;
