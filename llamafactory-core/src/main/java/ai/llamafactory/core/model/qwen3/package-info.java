/** The Qwen3 family (dense models). */
package ai.llamafactory.core.model.qwen3;
