/**
 * Chatting with a model on DJL: {@link ai.llamafactory.core.chat.DjlChatModel} implements the api's
 * {@link ai.llamafactory.api.chat.ChatModel} (whole and streamed replies, tool calls, cancellation) by applying the
 * training chat template and generating with {@link ai.llamafactory.core.generate.Generator};
 * {@link ai.llamafactory.core.chat.GenerationSettings} maps request parameters over LLaMA-Factory's generating
 * arguments; {@link ai.llamafactory.core.chat.DjlChatModelProvider} makes it available through
 * {@link ai.llamafactory.api.spi.ChatModelProvider} to the command line and the OpenAI-compatible server.
 */
package ai.llamafactory.core.chat;
