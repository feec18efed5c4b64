/** The Gemma family (Gemma 1). */
package ai.llamafactory.core.model.gemma;
