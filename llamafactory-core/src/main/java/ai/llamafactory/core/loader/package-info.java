/** The default model loader: Hugging Face model folders (local or from the hub cache) into DJL models. */
package ai.llamafactory.core.loader;
