/**
 * Talking to a model: the {@link ai.llamafactory.api.chat.ChatModel} contract (whole and streamed replies, tool
 * calls, reward scores, cancellation) and its immutable values ({@link ai.llamafactory.api.chat.ChatMessage},
 * {@link ai.llamafactory.api.chat.ChatRequest}, {@link ai.llamafactory.api.chat.ChatResponse}). Field names and
 * value ranges follow OpenAI's chat-completions API, which LLaMA-Factory's {@code api} command serves. No DJL types.
 */
package ai.llamafactory.api.chat;
