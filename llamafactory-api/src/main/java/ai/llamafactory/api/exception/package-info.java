/**
 * Exceptions thrown by LlamaFactory for Java. {@link ai.llamafactory.api.exception.LlamaFactoryException} is the single
 * root; its subclasses say which input was at fault (configuration, dataset, checkpoint) or why training stopped.
 */
package ai.llamafactory.api.exception;
