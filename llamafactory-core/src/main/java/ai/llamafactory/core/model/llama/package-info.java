/** The Llama family (Llama 1-3.x). */
package ai.llamafactory.core.model.llama;
