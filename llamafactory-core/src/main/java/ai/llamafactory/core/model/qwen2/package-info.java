/** The Qwen2 family (Qwen2, Qwen2.5). */
package ai.llamafactory.core.model.qwen2;
