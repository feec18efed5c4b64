/** The Mistral family. */
package ai.llamafactory.core.model.mistral;
